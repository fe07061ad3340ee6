// The authorization matrix (RELIABILITY.md A5, A6), generated from the server's route table: every route is
// called by every role, once on an object of the caller's own clinic and once on an object of another
// clinic, and each answer is compared with what the route's declared access rule implies. A route the
// generator does not know how to call fails the test, so no route can slip past the matrix.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <iomanip>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "api_fixture.hpp"
#include "clinic/candidacy.hpp"
#include "course_fixture.hpp"
#include "core/time.hpp"
#include "registry/followups.hpp"
#include "registry/record_queries.hpp"
#include "registry/account_schemas.hpp"

namespace kneeregen::testing {
namespace {

enum class Scope { kOwn, kForeign };
constexpr Scope kScopes[] = {Scope::kOwn, Scope::kForeign};

const char* ScopeName(Scope scope) { return scope == Scope::kOwn ? "own" : "foreign"; }

struct Expectation {
  bool success = false;          // any 2xx
  int status = 0;                // otherwise this status
  std::string code;              // with this problem code
  std::set<std::string> fields;  // and, for 400, these errors[].field
  std::string rule;              // which rule gave this expectation
};

struct Case {
  const api::Route* route = nullptr;
  Role role = Role::kAdmin;
  Scope scope = Scope::kOwn;
  HttpCall call;
  bool fresh_session = false;  // the route ends the caller's session: use one of its own
  bool anonymous = false;      // sign-in: no session at all
  Expectation expect;
  // On success, a further check of the body; returns what is wrong, or "".
  std::function<std::string(const Json&)> check;
};

struct Mismatch {
  std::string method, path, role, scope, expected, got, detail;
};

// Objects the matrix aims at besides the world's seeded records: a user, a screening and the follow-ups in
// each clinic.
struct Targets {
  int64_t own_user = 0;
  int64_t foreign_user = 0;
  int64_t own_screening = 0;
  int64_t foreign_screening = 0;
  // The scheduled follow-ups of each clinic's fixture course; a paper form completes one per call.
  std::vector<int64_t> own_followups;
  std::vector<int64_t> foreign_followups;
  // An open call-queue entry in each clinic.
  int64_t own_call = 0;
  int64_t foreign_call = 0;
};

std::string Segment(const std::string& path, size_t index) {
  std::vector<std::string> parts;
  std::stringstream in(path);
  for (std::string part; std::getline(in, part, '/');)
    if (!part.empty()) parts.push_back(part);
  return index < parts.size() ? parts[index] : "";
}

bool InUniqueKey(const RecordSchema& schema, const std::string& field) {
  for (const auto& key : schema.unique_keys)
    if (std::find(key.begin(), key.end(), field) != key.end()) return true;
  return false;
}

class Generator {
 public:
  Generator(ApiWorld& world, Targets targets) : world_(world), targets_(targets) {}

  // The request for one cell of the matrix, or nothing (with the reason in `why`) when the route is of a
  // shape the generator does not know.
  std::optional<Case> Build(const api::Route& route, Role role, Scope scope, std::string& why) {
    Case c{.route = &route, .role = role, .scope = scope};
    c_role_ = role;
    c.call.method = api::MethodName(route.method);
    c.call.path = route.path;
    const bool has_id = route.path.find("{id}") != std::string::npos;
    const std::string resource = Segment(route.path, 2);
    const RecordSchema* record_schema = FindRecordSchema(resource);

    if (route.path == "/api/v1/treatment-courses/{id}/withdraw-follow-up" && scope == Scope::kOwn) {
      // Withdrawal ends a course's follow-up: aim it at a course of its own, not the fixture's.
      auto fresh = FreshRecord("treatment-courses", why);
      if (!fresh) return std::nullopt;
      c.call.path.replace(c.call.path.find("{id}"), 4, std::to_string(*fresh));
    } else if (has_id) {
      auto id = ObjectId(resource, scope);
      if (!id) {
        why = "no fixture object for {id} of resource '" + resource + "'";
        return std::nullopt;
      }
      c.call.path.replace(c.call.path.find("{id}"), 4, std::to_string(*id));
    }

    bool refs_foreign = false;  // the body references the other clinic's objects
    if (route.request_schema) {
      const RecordSchema& body_schema = *route.request_schema;
      std::optional<Json> body;
      if (&body_schema == &LoginBody()) {
        const Credentials& who = world_.UserFor(role);
        body =
            Json{{"username", who.username},
                 {"password", who.password},
                 {"clinic_id", scope == Scope::kOwn ? world_.own().clinic_id : world_.foreign().clinic_id}};
        c.anonymous = true;
      } else if (&body_schema == &PasswordChangeBody()) {
        const Credentials& who = world_.UserFor(role);
        body = Json{{"current_password", who.password}, {"new_password", who.password}};
      } else if (route.partial_body) {
        body = PartialBody(body_schema, why);
      } else if (record_schema == &body_schema) {
        body = NewRecordBody(body_schema, scope, refs_foreign, why);
      } else {
        body = ExampleBody(body_schema, why);
        // Usernames are unique across the server; the example is one fixed name.
        if (body && &body_schema == &NewUserBody())
          (*body)["username"] = "matrix." + std::to_string(world_.Next());
      }
      if (!body) return std::nullopt;
      c.call.body = body->dump();
    } else if (route.request_json_schema) {
      auto body = JsonSchemaBody(route, scope, why);
      if (!body) return std::nullopt;
      c.call.body = body->dump();
    } else if (route.method != api::Method::kGet) {
      c.call.body = "";
    }
    c.fresh_session = route.path == "/api/v1/session/logout";

    // What the route's declared policy says should happen.
    if (route.access.survey_link) {
      // A staff session is no survey link: without the link's cookie every survey route reads as missing.
      if (route.path == "/survey/form") c.expect = {.success = true, .rule = "the page itself is static"};
      else if (route.path == "/survey") c.expect = {.status = 404, .code = "", .rule = "no link, the uniform page"};
      else c.expect = {.status = 404, .code = "not_found", .rule = "no survey-link cookie"};
    } else if (route.access.is_public) {
      if (c.anonymous && scope == Scope::kForeign)
        c.expect = {
            .status = 401, .code = "unauthenticated", .rule = "sign-in to a clinic the user is not in"};
      else
        c.expect = {.success = true, .rule = "public"};
    } else if (!route.access.Allows(role)) {
      c.expect = {.status = 403, .code = "forbidden", .rule = "role not in the route's access rule"};
    } else if (has_id && scope == Scope::kForeign) {
      c.expect = {.status = 404, .code = "not_found", .rule = "another clinic's object reads as missing"};
    } else if (refs_foreign) {
      c.expect = {.status = 400,
                  .code = "validation_failed",
                  .fields = RefFields(*record_schema, Json::parse(*c.call.body)),
                  .rule = "references to another clinic's objects read as missing"};
    } else {
      c.expect = {.success = true,
                  .rule = scope == Scope::kOwn ? "allowed, own object" : "allowed, no foreign object"};
    }

    if (route.path == "/api/v1/analytics/expectation")  // its three parameters are required
      c.call.path += "?kl_grade=2&age=60&product=bone_marrow_concentrate";
    if (route.path == "/api/v1/recall") {
      // The lot of the scope's fixture session: the other clinic's lot must recall nobody here.
      const ClinicRecords& target = scope == Scope::kOwn ? world_.own() : world_.foreign();
      const Json& session = target.records.at("treatment-sessions");
      c.call.path += "?lot=" + session["product_lot"].get<std::string>();
      const int64_t own_patient = world_.own().id("patients");
      c.check = [scope, own_patient](const Json& body) -> std::string {
        if (scope == Scope::kForeign)
          return body["patients"].empty() ? "" : "recalled another clinic's patients";
        for (const auto& p : body["patients"])
          if (p["patient_id"] == own_patient) return "";
        return "the recall misses the fixture patient: " + body.dump();
      };
    } else if (route.path == "/api/v1/call-queue") {
      const int64_t own_call = targets_.own_call, foreign_call = targets_.foreign_call;
      c.check = [own_call, foreign_call](const Json& body) -> std::string {
        bool has_own = false;
        for (const auto& e : body["items"]) {
          if (e["id"] == foreign_call) return "the call queue shows another clinic's entry";
          has_own = has_own || e["id"] == own_call;
        }
        return has_own ? "" : "the call queue misses the clinic's own entry";
      };
    } else if (route.method == api::Method::kGet && route.response_is_list) {
      if (!ListCheck(c, resource, record_schema, scope, why)) return std::nullopt;
    } else if (has_id && route.method == api::Method::kGet) {
      int64_t expected_id = *ObjectId(resource, Scope::kOwn);
      c.check = [expected_id](const Json& body) {
        return body.value("id", Json()) == expected_id ? "" : "read returned another object: " + body.dump();
      };
    }
    return c;
  }

 private:
  std::optional<int64_t> ObjectId(const std::string& resource, Scope scope) {
    const bool own = scope == Scope::kOwn;
    if (FindRecordSchema(resource)) return own ? world_.own().id(resource) : world_.foreign().id(resource);
    if (resource == "users") return own ? targets_.own_user : targets_.foreign_user;
    if (resource == "clinics") return own ? world_.own().clinic_id : world_.foreign().clinic_id;
    if (resource == "screenings") return own ? targets_.own_screening : targets_.foreign_screening;
    if (resource == "call-queue") return own ? targets_.own_call : targets_.foreign_call;
    if (resource == "followups") {
      auto& list = own ? targets_.own_followups : targets_.foreign_followups;
      // The paper form completes its follow-up: each call takes the next one still scheduled.
      return list.size() > 1 ? list[own ? next_own_followup_ : 0] : list.front();
    }
    return std::nullopt;
  }

  // The ids a list must never show to the own clinic: the other clinic's object of that kind.
  std::set<std::pair<std::string, int64_t>> ForeignObjects() {
    std::set<std::pair<std::string, int64_t>> objects;
    for (const auto& [resource, record] : world_.foreign().records) objects.insert({resource, record["id"]});
    objects.insert({"users", targets_.foreign_user});
    objects.insert({"clinics", world_.foreign().clinic_id});
    objects.insert({"screenings", targets_.foreign_screening});
    for (int64_t id : targets_.foreign_followups) objects.insert({"followups", id});
    return objects;
  }

  bool ListCheck(Case& c, const std::string& resource, const RecordSchema* schema, Scope scope,
                 std::string& why) {
    auto foreign = ForeignObjects();
    if (resource == "audit") {
      c.check = [foreign](const Json& body) -> std::string {
        for (const auto& row : body["items"])
          if (row["object_id"].is_number_integer() &&
              foreign.count({row["object_type"].get<std::string>(), row["object_id"].get<int64_t>()}))
            return "the audit shows another clinic's object: " + row.dump();
        return "";
      };
      return true;
    }
    if (!schema && resource != "users" && resource != "clinics" && resource != "screenings") {
      why = "no rule for what the list '" + resource + "' may show";
      return false;
    }
    const int64_t own_id = *ObjectId(resource, Scope::kOwn);
    const int64_t foreign_id = *ObjectId(resource, Scope::kForeign);
    if (scope == Scope::kForeign && schema) {
      // Filtering by the other clinic's object finds nothing.
      for (const auto& f : schema->fields) {
        if (f.kind != FieldKind::kRef || !f.filterable || !f.client_writable()) continue;
        c.call.path += "?" + f.name + "=" + std::to_string(world_.foreign().id(f.ref_resource));
        c.check = [](const Json& body) {
          return body["items"].empty() ? ""
                                       : "a filter on another clinic's object found " + body["items"].dump();
        };
        return true;
      }
    }
    c.check = [own_id, foreign_id, scope](const Json& body) -> std::string {
      bool has_own = false;
      for (const auto& item : body["items"]) {
        if (item["id"] == foreign_id) return "the list shows another clinic's object " + item.dump();
        has_own = has_own || item["id"] == own_id;
      }
      return has_own || scope == Scope::kForeign ? "" : "the list misses the clinic's own object";
    };
    return true;
  }

  std::set<std::string> RefFields(const RecordSchema& schema, const Json& body) {
    std::set<std::string> fields;
    for (const auto& f : schema.fields)
      if (f.kind == FieldKind::kRef && f.client_writable() && body.contains(f.name)) fields.insert(f.name);
    return fields;
  }

  // Every field from its schema example; nothing when a required field has none.
  std::optional<Json> ExampleBody(const RecordSchema& schema, std::string& why) {
    Json body = Json::object();
    for (const auto& f : schema.fields) {
      if (!f.client_writable()) continue;
      if (f.example.is_null()) {
        if (!f.required) continue;
        why = "required field " + schema.resource + "." + f.name + " has no example";
        return std::nullopt;
      }
      body[f.name] = f.example;
    }
    return body;
  }

  // A create body from the examples: references point at the clinic's fixtures (the other clinic's for
  // the foreign scope), and unique keys are made unique for every request.
  std::optional<Json> NewRecordBody(const RecordSchema& schema, Scope scope, bool& refs_foreign,
                                    std::string& why) {
    auto body = ExampleBody(schema, why);
    if (!body) return std::nullopt;
    const ClinicRecords& target = scope == Scope::kOwn ? world_.own() : world_.foreign();
    for (const auto& f : schema.fields) {
      // Dates are today's: a session must not precede the consent the fixtures sign today.
      if (f.kind == FieldKind::kDate && body->contains(f.name)) (*body)[f.name] = FormatDate(TodayUtc());
      // Optional references without an example stay out (a course names a plan or a template, not both).
      if (f.kind != FieldKind::kRef || !f.client_writable() || !body->contains(f.name)) continue;
      (*body)[f.name] = target.id(f.ref_resource);
      refs_foreign = scope == Scope::kForeign;
    }
    for (const auto& key : schema.unique_keys) {
      bool made_unique = false;
      for (const auto& name : key) {
        const FieldSpec* f = schema.Field(name);
        if (f->kind == FieldKind::kText) {
          std::string value = f->example.get<std::string>() + "-m" + std::to_string(world_.Next());
          if (scope == Scope::kForeign) {
            // The other clinic holds a record with this value; uniqueness is per clinic, so it is free here.
            Json twin = *body;
            twin[name] = value;
            try {
              world_.CreateRecord(world_.foreign().clinic_id, schema.resource, twin);
            } catch (const std::exception& e) {
              why = e.what();
              return std::nullopt;
            }
          }
          (*body)[name] = value;
          made_unique = true;
        } else if (f->kind == FieldKind::kRef && scope == Scope::kOwn) {
          auto fresh = FreshRecord(f->ref_resource, why);
          if (!fresh) return std::nullopt;
          (*body)[name] = *fresh;
          made_unique = true;
        } else if (f->kind == FieldKind::kRef) {
          made_unique = true;  // refers to the other clinic's object: refused before uniqueness matters
        }
      }
      if (!made_unique) {
        why = "can't make unique key of " + schema.resource + " unique";
        return std::nullopt;
      }
    }
    return body;
  }

  // A new own-clinic record of `resource`, built the same way, created through the service.
  std::optional<int64_t> FreshRecord(const std::string& resource, std::string& why) {
    const RecordSchema* schema = FindRecordSchema(resource);
    bool unused = false;
    auto body = NewRecordBody(*schema, Scope::kOwn, unused, why);
    if (!body) return std::nullopt;
    try {
      return world_.CreateRecord(world_.own().clinic_id, resource, *body)["id"].get<int64_t>();
    } catch (const std::exception& e) {
      why = e.what();
      return std::nullopt;
    }
  }

  // A valid body for a route whose body is described by a JSON Schema; a screening names the knee of the
  // scope's patient, a rules version gets a fresh name.
  std::optional<Json> JsonSchemaBody(const api::Route& route, Scope scope, std::string& why) {
    const ClinicRecords& target = scope == Scope::kOwn ? world_.own() : world_.foreign();
    if (route.path == "/api/v1/patients/{id}/screenings")
      return Json{{"knees", {{{"knee_id", target.id("knees")}}}}};
    if (route.path == "/api/v1/followups/{id}/paper-form" || route.access.survey_link) {
      if (route.path == "/api/v1/followups/{id}/paper-form" && scope == Scope::kOwn && route.access.Allows(c_role_))
        ++next_own_followup_;  // this call completes the follow-up it names
      return Json{{"answers", {{"koos", {{"P1", 2}, {"P2", 1}, {"P3", 1}, {"P4", 2}, {"P5", 0}}},
                               {"pain_nrs", {{"pain", 4}}},
                               {"tegner", {{"current", 3}}},
                               {"pgic", {{"pgic", 2}}}}}};
    }
    if (route.path == "/api/v1/treatment-courses/{id}/withdraw-follow-up") return Json{{"reason", "Moved away"}};
    // Leaves the entry open, so every role and scope calls the same one.
    if (route.path == "/api/v1/call-queue/{id}/outcomes") return Json{{"outcome", "no_answer"}};
    if (route.path == "/api/v1/treatment-courses/{id}/replan")
      return Json{{"session", 6},
                  {"move_to", FormatDate(std::chrono::year_month_day{std::chrono::sys_days{TodayUtc()} +
                                                                     std::chrono::days{90}})}};
    if (route.path == "/api/v1/candidacy-rules") {
      Json rules = ToJson(DefaultCandidacyRules());
      rules["version"] = "matrix-" + std::to_string(world_.Next());
      return rules;
    }
    why = "no body for the JSON Schema of " + route.path;
    return std::nullopt;
  }

  // A change of the first field that can change without touching references or unique keys; {} when the
  // kind has no such field (knees).
  std::optional<Json> PartialBody(const RecordSchema& schema, std::string& why) {
    // Kinds whose first changeable field is tied to another by a rule or whose change would end the fixture
    // chain: an invoice is cancelled only with a
    // reason (and a cancelled fixture invoice would refuse the payments called later), an adverse event's
    // term "other" needs term_other.
    if (schema.resource == "invoices") return Json::object();
    // A cancelled fixture course would refuse the quotes, consents, sessions and follow-ups called later.
    if (schema.resource == "treatment-courses") return Json{{"notes", "matrix " + std::to_string(world_.Next())}};
    if (schema.resource == "adverse-events")
      return Json{{"description", "matrix " + std::to_string(world_.Next())}};
    const int n = world_.Next();
    for (const auto& f : schema.fields) {
      if (!f.client_writable() || f.immutable || f.kind == FieldKind::kRef || InUniqueKey(schema, f.name))
        continue;
      if (f.kind == FieldKind::kText && !f.text_check && f.example.is_string()) {
        std::string value = f.example.get<std::string>() + " v" + std::to_string(n);
        return Json{{f.name, value.substr(0, f.max_length)}};
      }
      if (f.kind == FieldKind::kEnum) return Json{{f.name, f.values[n % f.values.size()]}};
      if (f.kind == FieldKind::kBoolean) return Json{{f.name, n % 2 == 0}};
    }
    if (schema.fields.empty()) {
      why = "partial body schema " + schema.resource + " has no fields";
      return std::nullopt;
    }
    return Json::object();
  }

  ApiWorld& world_;
  Targets targets_;
  size_t next_own_followup_ = 0;
  Role c_role_ = Role::kAdmin;
};

std::string Expected(const Expectation& e) {
  if (e.success) return "2xx";
  std::string out = std::to_string(e.status) + " " + e.code;
  for (const auto& f : e.fields) out += " " + f;
  return out;
}

// What differs between the reply and the expectation, or "".
std::string Compare(const Case& c, const HttpReply& reply) {
  const Expectation& e = c.expect;
  const std::string got = reply.status == 0 ? "no response: " + reply.transport_error
                                            : "code " + (reply.code().empty() ? "(none)" : reply.code());
  if (e.success) {
    if (reply.status < 200 || reply.status > 299) return got;
    if (!c.check) return "";
    Json body = reply.json();
    return body.is_discarded() ? "the body is not JSON" : c.check(body);
  }
  if (reply.status != e.status || reply.code() != e.code) return got;
  if (!e.fields.empty() && reply.error_fields() != e.fields) {
    std::string fields;
    for (const auto& f : reply.error_fields()) fields += " " + f;
    return "fields:" + fields;
  }
  return "";
}

std::string Table(const std::vector<Mismatch>& rows) {
  std::ostringstream out;
  auto line = [&](const Mismatch& m) {
    out << std::left << std::setw(7) << m.method << std::setw(40) << m.path << std::setw(12) << m.role
        << std::setw(8) << m.scope << std::setw(34) << m.expected << std::setw(6) << m.got << m.detail
        << "\n";
  };
  line({"METHOD", "ROUTE", "ROLE", "SCOPE", "EXPECTED", "GOT", "DETAIL"});
  for (const auto& m : rows) line(m);
  return out.str();
}

using AuthorizationMatrixTest = ApiTest;

TEST_P(AuthorizationMatrixTest, EveryRouteRoleAndScopeMatchesThePolicy) {
  ApiWorld& w = world();
  auto screening = [&w](const ClinicRecords& clinic) {
    auto screened = w.services().screenings.Screen(ApiWorld::Operator(clinic.clinic_id, Role::kClinician),
                                                   clinic.id("patients"),
                                                   Json{{"knees", {{{"knee_id", clinic.id("knees")}}}}});
    if (!screened) throw std::runtime_error("screening the fixture patient failed");
    return (*screened)["id"].get<int64_t>();
  };
  auto followups = [&w](const ClinicRecords& clinic) {
    std::vector<int64_t> ids;
    auto status = w.store().Read([&](ReadTransaction& tx) -> Status {
      for (const auto& f : AllRecords(tx, FollowUpSchema(), clinic.clinic_id, {{"course_id", clinic.id("treatment-courses")}}))
        if (f["status"] == "scheduled" && f["timepoint"] != "baseline") ids.push_back(f["id"].get<int64_t>());
      return Ok{};
    });
    if (!status || ids.size() < 4) throw std::runtime_error("the fixture course has too few follow-ups");
    return ids;
  };
  // A patient without an email address goes straight to the call queue when invited by email.
  auto call_entry = [&w](const ClinicRecords& clinic) {
    CourseChain chain = NewChain(w, ChainDepth::kCourse, clinic.clinic_id);
    const Actor op = ApiWorld::Operator(clinic.clinic_id);
    if (!w.services().records.Update(op, KnownSchema("patients"), chain.patient, Json{{"email", nullptr}}, std::nullopt))
      throw std::runtime_error("clearing the fixture patient's email failed");
    int64_t followup = 0;
    auto read = w.store().Read([&](ReadTransaction& tx) -> Status {
      followup = AllRecords(tx, FollowUpSchema(), clinic.clinic_id, {{"course_id", chain.course}}).at(0)["id"];
      return Ok{};
    });
    auto invited = w.services().outbox.InviteByEmail(op, followup, "https://clinic.example");
    if (!read || !invited) throw std::runtime_error("the fixture call-queue entry could not be made");
    return (*invited)["call_queue"]["id"].get<int64_t>();
  };
  Targets targets{.own_user = w.AddUser(w.own().clinic_id, Role::kClinician, "target").user_id,
                  .foreign_user = w.AddUser(w.foreign().clinic_id, Role::kClinician, "outsider").user_id,
                  .own_screening = screening(w.own()),
                  .foreign_screening = screening(w.foreign()),
                  .own_followups = followups(w.own()),
                  .foreign_followups = followups(w.foreign()),
                  .own_call = call_entry(w.own()),
                  .foreign_call = call_entry(w.foreign())};
  Generator generator(w, targets);
  const auto& routes = w.routes();
  std::vector<Mismatch> mismatches;
  std::set<std::string> unhandled;
  size_t executed = 0;
  for (const api::Route& route : routes) {
    for (Role role : kAllRoles) {
      for (Scope scope : kScopes) {
        std::string why;
        auto c = generator.Build(route, role, scope, why);
        if (!c) {
          unhandled.insert(std::string(api::MethodName(route.method)) + " " + route.path + ": " + why);
          continue;
        }
        std::optional<Session> fresh;
        if (c->fresh_session) fresh = w.SignIn(w.UserFor(role), w.own().clinic_id);
        if (!c->anonymous) c->call.session = fresh ? &*fresh : &w.SessionFor(role);
        HttpReply reply = w.Call(c->call);
        ++executed;
        std::string detail = Compare(*c, reply);
        if (!detail.empty()) {
          mismatches.push_back({c->call.method, route.path, std::string(RoleName(role)), ScopeName(scope),
                                Expected(c->expect), std::to_string(reply.status),
                                detail + " (" + c->expect.rule + ")"});
        }
      }
    }
  }
  std::string unhandled_list;
  for (const auto& u : unhandled) unhandled_list += "  " + u + "\n";
  EXPECT_TRUE(unhandled.empty()) << "routes the matrix generator can't call; teach it their shape:\n"
                                 << unhandled_list;
  EXPECT_EQ(executed, routes.size() * std::size(kAllRoles) * std::size(kScopes))
      << "every route x role x scope must be executed";
  EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " of " << executed
                                  << " cases differ from the policy:\n"
                                  << Table(mismatches);
}

TEST_P(AuthorizationMatrixTest, EveryRouteDeclaresAnAccessRule) {
  // Deny by default: an empty rule grants nothing, so a route without one could never be called.
  for (Role role : kAllRoles) EXPECT_FALSE(api::Access{}.Allows(role)) << RoleName(role);
  int public_routes = 0;
  for (const api::Route& route : world().routes()) {
    SCOPED_TRACE(std::string(api::MethodName(route.method)) + " " + route.path);
    const api::Access& a = route.access;
    EXPECT_TRUE(a.is_public || a.any_role || !a.roles.empty()) << "route without an access rule";
    EXPECT_FALSE(a.is_public && (a.any_role || !a.roles.empty()))
        << "a public route must not also list roles";
    EXPECT_TRUE(static_cast<bool>(route.handler)) << "route without a handler";
    public_routes += a.is_public && !a.survey_link ? 1 : 0;
  }
  // Only the page at /, health, the API description and sign-in are open to anyone.
  EXPECT_EQ(public_routes, 4);
}

// The generated requests above are built from each field's `example`; together they must form a valid
// record, cross-field rules included, or the matrix would report a policy mismatch that is only a bad
// example.
TEST_P(AuthorizationMatrixTest, SchemaExamplesFormValidRecords) {
  for (const RecordSchema& schema : AllRecordSchemas()) {
    Json body = Json::object();
    for (const auto& f : schema.fields) {
      if (!f.client_writable()) continue;
      body[f.name] = f.kind == FieldKind::kRef ? Json(world().own().id(f.ref_resource)) : f.example;
    }
    auto valid = ValidateNewRecord(schema, body);
    std::string problems;
    if (!valid)
      for (const auto& e : valid.error().fields) problems += " [" + e.field + ": " + e.message + "]";
    EXPECT_TRUE(valid.ok()) << schema.resource << " examples are refused:" << problems << "\n" << body.dump();
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthorizationMatrixTest, ::testing::ValuesIn(kAllApiBackends),
                         ApiBackendName);

}  // namespace
}  // namespace kneeregen::testing
