// Clinics, staff accounts and sessions in portable SQL.
#include "core/time.hpp"
#include "storage/sql_transaction.hpp"

namespace kneeregen {

namespace {

constexpr const char* kClinicColumns = "id, name, time_zone, synthetic, created_at";
constexpr const char* kUserColumns = "id, username, display_name, password_hash, active, created_at";
constexpr const char* kSessionColumns = "token_hash, user_id, clinic_id, csrf_token, created_at, last_seen_at";

Clinic ToClinic(const std::vector<SqlValue>& r) {
  return Clinic{CellInt(r[0]), CellText(r[1]), CellText(r[2]), CellInt(r[3]) != 0, CellText(r[4])};
}

User ToUser(const std::vector<SqlValue>& r) {
  return User{CellInt(r[0]), CellText(r[1]), CellText(r[2]), CellText(r[3]), CellInt(r[4]) != 0, CellText(r[5])};
}

Membership ToMembership(const std::vector<SqlValue>& r) {
  return Membership{CellInt(r[0]), CellInt(r[1]), ParseRole(CellText(r[2])).value_or(Role::kResearcher)};
}

template <class T, class F>
std::vector<T> All(const SqlRows& rows, F convert) {
  std::vector<T> out;
  for (const auto& r : rows.rows) out.push_back(convert(r));
  return out;
}

}  // namespace

std::optional<Clinic> SqlTransaction::GetClinic(int64_t clinic_id) {
  auto rows = db_.Query(std::string("SELECT ") + kClinicColumns + " FROM clinics WHERE id = ?", {clinic_id});
  if (rows.rows.empty()) return std::nullopt;
  return ToClinic(rows.rows[0]);
}

std::vector<Clinic> SqlTransaction::ListClinics() {
  return All<Clinic>(db_.Query(std::string("SELECT ") + kClinicColumns + " FROM clinics ORDER BY id"), ToClinic);
}

std::optional<User> SqlTransaction::GetUser(int64_t user_id) {
  auto rows = db_.Query(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?", {user_id});
  if (rows.rows.empty()) return std::nullopt;
  return ToUser(rows.rows[0]);
}

std::optional<User> SqlTransaction::FindUser(const std::string& username) {
  auto rows = db_.Query(std::string("SELECT ") + kUserColumns + " FROM users WHERE username = ?", {username});
  if (rows.rows.empty()) return std::nullopt;
  return ToUser(rows.rows[0]);
}

std::vector<User> SqlTransaction::ListUsers() {
  return All<User>(db_.Query(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY id"), ToUser);
}

std::vector<Membership> SqlTransaction::MembershipsOfUser(int64_t user_id) {
  return All<Membership>(
      db_.Query("SELECT user_id, clinic_id, role FROM memberships WHERE user_id = ? ORDER BY clinic_id", {user_id}),
      ToMembership);
}

std::vector<Membership> SqlTransaction::MembershipsOfClinic(int64_t clinic_id) {
  return All<Membership>(
      db_.Query("SELECT user_id, clinic_id, role FROM memberships WHERE clinic_id = ? ORDER BY user_id",
                {clinic_id}),
      ToMembership);
}

std::optional<Session> SqlTransaction::FindSession(const std::string& token_hash) {
  auto rows =
      db_.Query(std::string("SELECT ") + kSessionColumns + " FROM sessions WHERE token_hash = ?", {token_hash});
  if (rows.rows.empty()) return std::nullopt;
  const auto& r = rows.rows[0];
  return Session{CellText(r[0]), CellInt(r[1]), CellInt(r[2]), CellText(r[3]), CellText(r[4]), CellText(r[5])};
}

int64_t SqlTransaction::InsertClinic(const Clinic& c) {
  return CellInt(db_.Query("INSERT INTO clinics (name, time_zone, synthetic, created_at) VALUES (?, ?, ?, ?) "
                           "RETURNING id",
                           {c.name, c.time_zone, int64_t{c.synthetic}, NowTimestamp()})
                     .rows.at(0)
                     .at(0));
}

void SqlTransaction::UpdateClinic(const Clinic& c) {
  db_.Query("UPDATE clinics SET name = ?, time_zone = ? WHERE id = ?", {c.name, c.time_zone, c.id});
}

int64_t SqlTransaction::InsertUser(const User& u) {
  return CellInt(db_.Query("INSERT INTO users (username, display_name, password_hash, active, created_at) "
                           "VALUES (?, ?, ?, ?, ?) RETURNING id",
                           {u.username, u.display_name, u.password_hash, int64_t{u.active}, NowTimestamp()})
                     .rows.at(0)
                     .at(0));
}

void SqlTransaction::UpdateUser(const User& u) {
  db_.Query("UPDATE users SET display_name = ?, password_hash = ?, active = ? WHERE id = ?",
            {u.display_name, u.password_hash, int64_t{u.active}, u.id});
}

void SqlTransaction::PutMembership(const Membership& m) {
  std::string role(RoleName(m.role));
  auto updated = db_.Query("UPDATE memberships SET role = ? WHERE user_id = ? AND clinic_id = ? RETURNING user_id",
                           {role, m.user_id, m.clinic_id});
  if (updated.rows.empty())
    db_.Query("INSERT INTO memberships (user_id, clinic_id, role) VALUES (?, ?, ?)", {m.user_id, m.clinic_id, role});
}

void SqlTransaction::InsertSession(const Session& s) {
  db_.Query(std::string("INSERT INTO sessions (") + kSessionColumns + ") VALUES (?, ?, ?, ?, ?, ?)",
            {s.token_hash, s.user_id, s.clinic_id, s.csrf_token, s.created_at, s.last_seen_at});
}

void SqlTransaction::TouchSession(const std::string& token_hash, const std::string& at) {
  db_.Query("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", {at, token_hash});
}

void SqlTransaction::DeleteSession(const std::string& token_hash) {
  db_.Query("DELETE FROM sessions WHERE token_hash = ?", {token_hash});
}

void SqlTransaction::DeleteSessionsOfUser(int64_t user_id) {
  db_.Query("DELETE FROM sessions WHERE user_id = ?", {user_id});
}

int64_t SqlTransaction::DeleteSessionsIdleSince(const std::string& before) {
  return static_cast<int64_t>(
      db_.Query("DELETE FROM sessions WHERE last_seen_at < ? RETURNING token_hash", {before}).rows.size());
}

}  // namespace kneeregen
