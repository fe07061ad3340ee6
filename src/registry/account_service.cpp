#include "registry/account_service.hpp"

#include <algorithm>

#include "core/crypto.hpp"
#include "core/time.hpp"
#include "registry/account_schemas.hpp"
#include "registry/account_views.hpp"

namespace kneeregen {

namespace {

constexpr auto kHashWait = std::chrono::seconds(10);

Error SignInFailed() { return Error{ErrorCode::kUnauthenticated, "the username or password is wrong", {}}; }

}  // namespace

AccountService::AccountService(Store& store, SessionSettings settings)
    : store_(store), settings_(settings), hash_slots_(settings.concurrent_password_hashes),
      dummy_hash_(HashPassword(RandomToken())) {}

bool AccountService::TooManyFailures(const std::string& username) {
  std::lock_guard lock(failures_mutex_);
  auto& times = failures_[username];
  auto hour_ago = std::chrono::steady_clock::now() - std::chrono::hours(1);
  std::erase_if(times, [&](auto t) { return t < hour_ago; });
  return static_cast<int>(times.size()) >= settings_.max_failures_per_account_per_hour;
}

void AccountService::RecordFailure(const std::string& username) {
  std::lock_guard lock(failures_mutex_);
  failures_[username].push_back(std::chrono::steady_clock::now());
}

Result<std::string> AccountService::HashNewPassword(const std::string& password) {
  if (!hash_slots_.try_acquire_for(kHashWait)) return Error{ErrorCode::kRateLimited, "", {}};
  std::string hash = HashPassword(password);
  hash_slots_.release();
  return hash;
}

Result<SignedIn> AccountService::Login(const Json& body, const std::string& ip, const std::string& request_id) {
  auto valid = ValidateNewRecord(LoginBody(), body);
  if (!valid) return valid.error();
  const std::string username = (*valid)["username"];
  const std::string password = (*valid)["password"];
  if (TooManyFailures(username)) return Error{ErrorCode::kRateLimited, "", {}};

  std::optional<User> user;
  std::vector<Membership> memberships;
  auto read = store_.Read([&](ReadTransaction& tx) -> Status {
    user = tx.FindUser(username);
    if (user) memberships = tx.MembershipsOfUser(user->id);
    return Ok{};
  });
  if (!read) return read.error();

  // Argon2 costs ~100 ms and 64 MiB: at most a few run at once, the rest wait briefly or get 429.
  if (!hash_slots_.try_acquire_for(kHashWait)) return Error{ErrorCode::kRateLimited, "", {}};
  bool verified = VerifyPassword(user ? user->password_hash : dummy_hash_, password);
  hash_slots_.release();

  std::optional<int64_t> clinic_id;
  if (verified && user && user->active) {
    if ((*valid)["clinic_id"].is_null()) {
      if (!memberships.empty()) clinic_id = memberships.front().clinic_id;
    } else if (RoleIn(memberships, (*valid)["clinic_id"])) {
      clinic_id = (*valid)["clinic_id"].get<int64_t>();
    }
  }

  SignedIn signed_in;
  auto write = store_.Write([&](WriteTransaction& tx) -> Status {
    if (!clinic_id) {
      Actor anonymous{.username = username, .request_id = request_id, .ip = ip};
      AuditEntry entry = anonymous.Audit("login_failed", "session", std::nullopt);
      entry.role = "";
      entry.clinic_id = std::nullopt;
      if (user) entry.user_id = user->id;
      tx.AppendAudit(entry);
      return Ok{};
    }
    if (PasswordNeedsRehash(user->password_hash)) {
      user->password_hash = HashPassword(password);
      tx.UpdateUser(*user);
    }
    std::string now = NowTimestamp();
    signed_in.session_token = RandomToken();
    signed_in.token_hash = Sha256Hex(signed_in.session_token);
    signed_in.csrf_token = RandomToken();
    signed_in.actor = Actor{user->id, user->username, *RoleIn(memberships, *clinic_id), *clinic_id, request_id, ip};
    tx.InsertSession(Session{signed_in.token_hash, user->id, *clinic_id, signed_in.csrf_token, now, now});
    AuditEntry entry = signed_in.actor.Audit("login", "session", std::nullopt);
    tx.AppendAudit(entry);
    return Ok{};
  });
  if (!write) return write.error();
  if (!clinic_id) {
    RecordFailure(username);
    return SignInFailed();
  }
  return signed_in;
}

Result<SignedIn> AccountService::Authenticate(const std::string& session_token, const std::string& ip,
                                              const std::string& request_id) {
  Error unauthenticated{ErrorCode::kUnauthenticated, "", {}};
  if (session_token.size() != 43) return unauthenticated;
  std::string token_hash = Sha256Hex(session_token);
  std::optional<Session> session;
  std::optional<User> user;
  std::vector<Membership> memberships;
  auto read = store_.Read([&](ReadTransaction& tx) -> Status {
    session = tx.FindSession(token_hash);
    if (session) {
      user = tx.GetUser(session->user_id);
      memberships = tx.MembershipsOfUser(session->user_id);
    }
    return Ok{};
  });
  if (!read) return read.error();
  if (!session || !user) return unauthenticated;

  auto now = Clock::now();
  auto created = ParseTimestamp(session->created_at);
  auto last_seen = ParseTimestamp(session->last_seen_at);
  auto role = RoleIn(memberships, session->clinic_id);
  bool expired = !created || !last_seen || now - *last_seen > settings_.idle_timeout ||
                 now - *created > settings_.absolute_timeout;
  if (expired || !user->active || !role) {
    (void)store_.Write([&](WriteTransaction& tx) -> Status {
      tx.DeleteSession(token_hash);
      return Ok{};
    });
    return unauthenticated;
  }
  // Refreshing last_seen on every request would turn each read into a write; a minute's precision is enough
  // for a 15-minute idle timeout.
  if (now - *last_seen > std::chrono::minutes(1)) {
    auto touched = store_.Write([&](WriteTransaction& tx) -> Status {
      tx.TouchSession(token_hash, FormatTimestamp(now));
      return Ok{};
    });
    if (!touched) return touched.error();
  }
  return SignedIn{Actor{user->id, user->username, *role, session->clinic_id, request_id, ip}, session->csrf_token,
                  token_hash, ""};
}

Status AccountService::Logout(const SignedIn& session) {
  return store_.Write([&](WriteTransaction& tx) -> Status {
    tx.DeleteSession(session.token_hash);
    AuditEntry entry = session.actor.Audit("logout", "session", std::nullopt);
    tx.AppendAudit(entry);
    return Ok{};
  });
}

Json AccountService::SessionView(const SignedIn& session) {
  Json clinics = Json::array();
  auto listed = ListClinics(session.actor);
  if (listed) clinics = *listed;
  return Json{{"user", {{"id", *session.actor.user_id}, {"username", session.actor.username}}},
              {"clinic_id", session.actor.clinic_id},
              {"role", RoleName(session.actor.role)},
              {"csrf_token", session.csrf_token},
              {"clinics", clinics}};
}

Status AccountService::ChangeOwnPassword(const Actor& actor, const Json& body) {
  auto valid = ValidateNewRecord(PasswordChangeBody(), body);
  if (!valid) return valid.error();
  if (auto refused = CheckPasswordPolicy((*valid)["new_password"]))
    return Error::Field(ErrorCode::kValidationFailed, "new_password", *refused);
  std::optional<User> user;
  auto read = store_.Read([&](ReadTransaction& tx) -> Status {
    user = tx.GetUser(actor.user_id.value_or(0));
    return Ok{};
  });
  if (!read) return read.error();
  if (!user) return Error::NotFound();
  if (!hash_slots_.try_acquire_for(kHashWait)) return Error{ErrorCode::kRateLimited, "", {}};
  bool verified = VerifyPassword(user->password_hash, (*valid)["current_password"].get<std::string>());
  hash_slots_.release();
  if (!verified) return Error::Field(ErrorCode::kValidationFailed, "current_password", "is not your password");
  auto hash = HashNewPassword((*valid)["new_password"]);
  if (!hash) return hash.error();
  user->password_hash = *hash;
  return store_.Write([&](WriteTransaction& tx) -> Status {
    tx.UpdateUser(*user);
    AuditEntry entry = actor.Audit("password.change", "users", user->id);
    tx.AppendAudit(entry);
    return Ok{};
  });
}

}  // namespace kneeregen
