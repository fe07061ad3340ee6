#include <gtest/gtest.h>

#include "core/time.hpp"
#include "registry/account_schemas.hpp"
#include "registry/record_schema.hpp"
#include "registry/record_service.hpp"

namespace kneeregen {
namespace {

const RecordSchema& Schema(const std::string& resource) { return *FindRecordSchema(resource); }

// A valid create body for `schema` built from the field examples.
Json ExampleBody(const RecordSchema& schema) {
  Json body = Json::object();
  for (const auto& f : schema.fields)
    if (f.client_writable() && !f.example.is_null()) body[f.name] = f.example;
  return body;
}

std::vector<std::string> FieldsOf(const Error& e) {
  std::vector<std::string> out;
  for (const auto& f : e.fields) out.push_back(f.field);
  return out;
}

Json Patient() { return ExampleBody(Schema("patients")); }

TEST(RecordSchemas, EveryExampleBodyValidates) {
  for (const auto& schema : AllRecordSchemas()) {
    Json body = ExampleBody(schema);
    if (schema.resource == "outcome-events") body["event_type"] = "total_knee_replacement";
    auto r = ValidateNewRecord(schema, body);
    EXPECT_TRUE(r) << schema.resource << ": " << (r ? "" : r.error().fields.front().field);
  }
}

TEST(RecordSchemas, ReferencesPointToKnownKindsDefinedEarlier) {
  std::vector<std::string> seen;
  for (const auto& schema : AllRecordSchemas()) {
    for (const auto& f : schema.fields) {
      if (f.kind != FieldKind::kRef || !f.client_writable()) continue;
      EXPECT_NE(std::find(seen.begin(), seen.end(), f.ref_resource), seen.end()) << schema.resource << "." << f.name;
    }
    for (const auto& f : schema.fields)
      if (!f.derive_via.empty()) EXPECT_TRUE(schema.Field(f.derive_via)) << schema.resource << "." << f.name;
    seen.push_back(schema.resource);
  }
}

TEST(ValidateNewRecord, NamesUnknownFieldsAndServerFields) {
  Json body = Patient();
  body["kl"] = 3;
  body["id"] = 7;
  auto r = ValidateNewRecord(Schema("patients"), body);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kValidationFailed);
  EXPECT_EQ(FieldsOf(r.error()), (std::vector<std::string>{"id", "kl"}));
  Json assessment = ExampleBody(Schema("assessments"));
  assessment["patient_id"] = 1;
  EXPECT_EQ(FieldsOf(ValidateNewRecord(Schema("assessments"), assessment).error()),
            std::vector<std::string>{"patient_id"});
}

TEST(ValidateNewRecord, RejectsWrongTypes) {
  Json body = Patient();
  body["birth_date"] = 19610417;
  body["sex"] = true;
  body["mrn"] = Json::array();
  auto r = ValidateNewRecord(Schema("patients"), body);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().fields.size(), 3u);
}

TEST(ValidateNewRecord, RequiresRequiredFields) {
  auto r = ValidateNewRecord(Schema("patients"), Json::object());
  ASSERT_FALSE(r);
  EXPECT_EQ(FieldsOf(r.error()),
            (std::vector<std::string>{"mrn", "given_name", "family_name", "birth_date", "sex"}));
  Json body = Patient();
  body["given_name"] = "";
  EXPECT_EQ(FieldsOf(ValidateNewRecord(Schema("patients"), body).error()), std::vector<std::string>{"given_name"});
}

TEST(ValidateNewRecord, RejectsImpossibleAndFutureDates) {
  for (const char* bad : {"2023-02-29", "2026-02-30", "1899-12-31", "17-04-1961"}) {
    Json body = Patient();
    body["birth_date"] = bad;
    EXPECT_FALSE(ValidateNewRecord(Schema("patients"), body)) << bad;
  }
  Json body = Patient();
  auto tomorrow = std::chrono::year_month_day{std::chrono::sys_days{TodayUtc()} + std::chrono::days{1}};
  body["birth_date"] = FormatDate(tomorrow);
  auto r = ValidateNewRecord(Schema("patients"), body);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().fields[0].message, "must not be in the future");
  body["birth_date"] = FormatDate(TodayUtc());
  EXPECT_TRUE(ValidateNewRecord(Schema("patients"), body));
}

TEST(ValidateNewRecord, EnforcesClinicalRanges) {
  const auto& s = Schema("assessments");
  for (auto [field, value] : std::vector<std::pair<std::string, Json>>{
           {"kl_grade", 5}, {"kl_grade", -1}, {"kl_grade", 2.5}, {"bmi", -27.0}, {"bmi", 9.9}, {"bmi", 80.1},
           {"tegner_level", 11}, {"kind", "midway"}}) {
    Json body = ExampleBody(s);
    body[field] = value;
    auto r = ValidateNewRecord(s, body);
    ASSERT_FALSE(r) << field << "=" << value;
    EXPECT_EQ(r.error().fields[0].field, field);
  }
  Json edge = ExampleBody(s);
  edge["kl_grade"] = 0;
  edge["bmi"] = 10;
  edge["tegner_level"] = 10;
  EXPECT_TRUE(ValidateNewRecord(s, edge));
}

TEST(ValidateNewRecord, IcrsGradesAndAreas) {
  const auto& s = Schema("cartilage-lesions");
  for (const char* grade : {"0", "1A", "1B", "2", "3A", "3B", "3C", "3D", "4"}) {
    Json body = ExampleBody(s);
    body["icrs_grade"] = grade;
    EXPECT_TRUE(ValidateNewRecord(s, body)) << grade;
  }
  for (Json bad : {Json("5"), Json("3E"), Json(3)}) {
    Json body = ExampleBody(s);
    body["icrs_grade"] = bad;
    EXPECT_FALSE(ValidateNewRecord(s, body));
  }
  Json zero = ExampleBody(s);
  zero["area_cm2"] = 0;
  EXPECT_FALSE(ValidateNewRecord(s, zero));
}

TEST(ValidateNewRecord, TextChecks) {
  const auto& s = Schema("patients");
  for (auto [field, value] : std::vector<std::pair<std::string, std::string>>{
           {"mrn", "A 1"}, {"mrn", "x';DROP"}, {"email", "no-at-sign"}, {"zip", "9720"}, {"zip", "97205-12"},
           {"phone", "call me"}, {"given_name", std::string(101, 'a')}}) {
    Json body = Patient();
    body[field] = value;
    auto r = ValidateNewRecord(s, body);
    ASSERT_FALSE(r) << field << "=" << value;
    EXPECT_EQ(r.error().fields[0].field, field);
  }
  Json accented = Patient();
  std::string hundred_accents;
  for (int i = 0; i < 100; ++i) hundred_accents += "\u00e9";  // 2 bytes each
  accented["given_name"] = hundred_accents;
  EXPECT_TRUE(ValidateNewRecord(s, accented)) << "length counts characters, not bytes";
  accented["given_name"] = hundred_accents + "e";
  EXPECT_FALSE(ValidateNewRecord(s, accented));
}

TEST(ValidateNewRecord, CrossFieldRules) {
  const auto& events = Schema("outcome-events");
  Json death = ExampleBody(events);
  death["event_type"] = "death";
  death["knee_id"] = 4;
  EXPECT_EQ(FieldsOf(ValidateNewRecord(events, death).error()), std::vector<std::string>{"knee_id"});
  death.erase("knee_id");
  EXPECT_TRUE(ValidateNewRecord(events, death));
  Json tkr = ExampleBody(events);
  tkr["event_type"] = "total_knee_replacement";
  tkr.erase("knee_id");
  EXPECT_EQ(FieldsOf(ValidateNewRecord(events, tkr).error()), std::vector<std::string>{"knee_id"});

  const auto& a = Schema("assessments");
  Json ungraded = ExampleBody(a);
  ungraded.erase("kl_grade");
  EXPECT_FALSE(ValidateNewRecord(a, ungraded));
  Json late_image = ExampleBody(a);
  late_image["kl_image_date"] = "2026-03-03";
  EXPECT_EQ(FieldsOf(ValidateNewRecord(a, late_image).error()), std::vector<std::string>{"kl_image_date"});
}

TEST(ValidateNewRecord, DefaultsApplyOnlyWhenAbsent) {
  const auto& s = Schema("practitioners");
  Json body = {{"full_name", "A. Person"}};
  EXPECT_EQ((*ValidateNewRecord(s, body))["active"], true);
  body["active"] = false;
  EXPECT_EQ((*ValidateNewRecord(s, body))["active"], false);
}

TEST(ValidateRecordChanges, ReturnsOnlyChangedFieldsAndGuardsImmutables) {
  const auto& s = Schema("knees");
  Json stored = {{"id", 3}, {"version", 1}, {"patient_id", 1}, {"side", "left"}};
  auto same = ValidateRecordChanges(s, Json{{"side", "left"}}, stored);
  ASSERT_TRUE(same);
  EXPECT_TRUE(same->empty());
  auto changed = ValidateRecordChanges(s, Json{{"side", "right"}}, stored);
  ASSERT_FALSE(changed);
  EXPECT_EQ(changed.error().fields[0].message, "cannot be changed once the record exists");
}

TEST(ValidateRecordChanges, CannotClearRequiredFieldsAndChecksCrossRulesOnTheMergedRecord) {
  const auto& s = Schema("patients");
  Json stored = Patient();
  stored["id"] = 1;
  auto cleared = ValidateRecordChanges(s, Json{{"family_name", nullptr}}, stored);
  ASSERT_FALSE(cleared);
  EXPECT_EQ(cleared.error().fields[0].field, "family_name");
  auto email = ValidateRecordChanges(s, Json{{"email", nullptr}}, stored);
  ASSERT_TRUE(email);
  EXPECT_TRUE((*email)["email"].is_null());
}

TEST(ParseListQuery, CapsLimitAndRejectsUnknownParameters) {
  const auto& s = Schema("knees");
  auto q = ParseListQuery(s, {{"limit", "10000"}, {"patient_id", "7"}, {"side", "left"}});
  ASSERT_TRUE(q);
  EXPECT_EQ(q->limit, kMaxPageSize);
  EXPECT_EQ(q->filters.size(), 2u);
  EXPECT_FALSE(ParseListQuery(s, {{"limit", "0"}}));
  EXPECT_FALSE(ParseListQuery(s, {{"limit", "-5"}}));
  EXPECT_FALSE(ParseListQuery(s, {{"cursor", "abc"}}));
  EXPECT_FALSE(ParseListQuery(s, {{"side", "middle"}}));
  EXPECT_FALSE(ParseListQuery(s, {{"patient_id", "1 OR 1=1"}}));
  EXPECT_FALSE(ParseListQuery(s, {{"sort", "id;DROP TABLE knees"}}));
  EXPECT_FALSE(ParseListQuery(s, {{"q", "smith"}})) << "knees have no search fields";
  EXPECT_TRUE(ParseListQuery(Schema("patients"), {{"q", "smi"}}));
}

TEST(PasswordPolicy, LengthAndBreachedList) {
  EXPECT_TRUE(CheckPasswordPolicy("elevenchars"));
  EXPECT_FALSE(CheckPasswordPolicy("twelvelowers"));  // 12 lowercase letters, no composition rules
  EXPECT_FALSE(CheckPasswordPolicy(std::string(64, 'q') + "x"));
  EXPECT_TRUE(CheckPasswordPolicy("Password1234"));
  EXPECT_TRUE(CheckPasswordPolicy(std::string(257, 'a')));
}

}  // namespace
}  // namespace kneeregen
