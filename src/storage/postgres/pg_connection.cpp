#include "storage/postgres/pg_connection.hpp"

#include <cstdio>
#include <cstring>
#include <memory>

namespace kneeregen {

namespace {

// Settings every session needs whatever the server or database defaults are: ISO dates so DATE columns read
// back as the strings the registry wrote; UTF-8 text; a bound on runaway statements; standard strings so a
// backslash in a literal (the LIKE escape) is just a character; float output that round-trips exactly.
constexpr const char* kSessionSettings =
    "SET DateStyle = ISO; SET client_encoding = 'UTF8'; SET statement_timeout = '30s'; "
    "SET standard_conforming_strings = on; SET extra_float_digits = 3";

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

SqlFailure ClassifyState(const std::string& state) {
  auto starts = [&](const char* prefix) { return state.rfind(prefix, 0) == 0; };
  if (state == "23505") return SqlFailure::kUniqueViolation;
  if (starts("23")) return SqlFailure::kConstraint;
  if (state == "53100") return SqlFailure::kFull;
  if (state == "25006") return SqlFailure::kReadOnly;
  // Lock timeout, serialisation failure, deadlock, statement timeout: worth retrying later.
  if (state == "55P03" || state == "40001" || state == "40P01" || state == "57014") return SqlFailure::kBusy;
  if (starts("08") || starts("57P") || state == "53300") return SqlFailure::kUnavailable;
  return SqlFailure::kOther;
}

std::string OneLine(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\t') c = ' ';
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// Every way the password may be spelled in `url`: decoded by libpq, and raw (perhaps percent-encoded) in the
// URI's user info or a password= parameter. libpq sometimes echoes parts of a malformed URL in its errors.
std::vector<std::string> PasswordSpellings(const std::string& url) {
  std::vector<std::string> out;
  char* error = nullptr;
  if (PQconninfoOption* options = PQconninfoParse(url.c_str(), &error)) {
    for (PQconninfoOption* o = options; o->keyword; ++o)
      if (std::strcmp(o->keyword, "password") == 0 && o->val && *o->val) out.emplace_back(o->val);
    PQconninfoFree(options);
  }
  if (error) PQfreemem(error);
  if (auto scheme = url.find("://"); scheme != std::string::npos) {
    size_t start = scheme + 3;
    std::string authority = url.substr(start, url.find_first_of("/?", start) - start);
    size_t at = authority.rfind('@');
    size_t colon = authority.find(':');
    if (at != std::string::npos && colon < at) out.push_back(authority.substr(colon + 1, at - colon - 1));
  }
  if (auto key = url.find("password="); key != std::string::npos) {
    size_t start = key + 9;
    out.push_back(url.substr(start, url.find_first_of("& ", start) - start));
  }
  std::erase_if(out, [](const std::string& s) { return s.empty(); });
  return out;
}

std::string Redact(std::string message, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    for (size_t pos = message.find(secret); pos != std::string::npos; pos = message.find(secret, pos + 3))
      message.replace(pos, secret.size(), "***");
  }
  return message;
}

std::string ErrorField(const PGresult* result, int field) {
  const char* value = result ? PQresultErrorField(result, field) : nullptr;
  return value ? value : "";
}

}  // namespace

std::string RewritePlaceholders(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int count = 0;
  char quote = 0;  // the quote character of the literal or identifier being copied, if any
  for (char c : sql) {
    if (quote) {
      // A doubled quote inside a literal closes and reopens it, which needs no special case.
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$' + std::to_string(++count);
    } else {
      out += c;
    }
  }
  return out;
}

std::string UniqueViolationColumns(const std::string& detail) {
  size_t open = detail.find("Key (");
  if (open == std::string::npos) return "";
  open += 5;
  size_t close = detail.find(")=(", open);
  if (close == std::string::npos) return "";
  std::string list = detail.substr(open, close - open);
  std::string out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    std::string column = list.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::erase_if(column, [](char c) { return c == ' ' || c == '"'; });
    if (!column.empty() && column != "clinic_id") out += (out.empty() ? "" : ",") + column;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

PgConnection::PgConnection(const std::string& url) : secrets_(PasswordSpellings(url)) {
  // The URL comes last so that a connect_timeout or application_name it names wins over these defaults.
  const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"10", "kneeregen", url.c_str(), nullptr};
  conn_ = PQconnectdbParams(keywords, values, 1);
  if (!conn_) throw SqlError(SqlFailure::kUnavailable, "cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = "cannot connect to PostgreSQL: " + Redact(OneLine(PQerrorMessage(conn_)), secrets_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw SqlError(SqlFailure::kUnavailable, message);
  }
  // Server notices (warnings, cascade notes) are not errors, which arrive as results; keep them off stderr.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  try {
    ApplySessionSettings();
  } catch (...) {
    PQfinish(conn_);
    conn_ = nullptr;
    throw;
  }
}

PgConnection::~PgConnection() {
  if (conn_) PQfinish(conn_);
}

void PgConnection::ApplySessionSettings() {
  ResultPtr result(PQexec(conn_, kSessionSettings), PQclear);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK)
    Fail(result.release(), "cannot configure the session");
  session_ready_ = true;
}

void PgConnection::Fail(PGresult* raw, const std::string& context) {
  ResultPtr result(raw, PQclear);
  std::string state = ErrorField(raw, PG_DIAG_SQLSTATE);
  // A lost connection often has no SQLSTATE at all (libpq reports it), so the connection state decides.
  SqlFailure failure = PQstatus(conn_) == CONNECTION_BAD ? SqlFailure::kUnavailable : ClassifyState(state);
  std::string primary = ErrorField(raw, PG_DIAG_MESSAGE_PRIMARY);
  if (primary.empty()) primary = OneLine(PQerrorMessage(conn_));
  // Data exceptions quote the offending value, which may be PHI; the SQLSTATE says enough.
  if (state.rfind("22", 0) == 0) primary = "invalid data value";
  std::string message = context + ": " + primary + (state.empty() ? "" : " (SQLSTATE " + state + ")");
  std::string detail;
  if (failure == SqlFailure::kUniqueViolation)
    detail = UniqueViolationColumns(ErrorField(raw, PG_DIAG_MESSAGE_DETAIL));
  throw SqlError(failure, Redact(message, secrets_), detail);
}

void PgConnection::Execute(const std::string& sql) {
  if (!session_ready_) ApplySessionSettings();
  ResultPtr result(PQexec(conn_, sql.c_str()), PQclear);
  auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY)
    Fail(result.release(), "statement failed");
}

const std::string& PgConnection::Prepared(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second;
  std::string name = "kr_" + std::to_string(++statement_counter_);
  // No parameter types: the server infers each from where it appears, as SQLite's binding does.
  ResultPtr result(PQprepare(conn_, name.c_str(), RewritePlaceholders(sql).c_str(), 0, nullptr), PQclear);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) Fail(result.release(), "cannot prepare a statement");
  return statements_.emplace(sql, std::move(name)).first->second;
}

SqlRows PgConnection::Query(const std::string& sql, const std::vector<SqlValue>& params) {
  if (!session_ready_) ApplySessionSettings();
  const std::string& name = Prepared(sql);
  std::vector<std::string> text(params.size());
  std::vector<const char*> values(params.size(), nullptr);  // nullptr binds SQL NULL
  for (size_t i = 0; i < params.size(); ++i) {
    const SqlValue& p = params[i];
    if (auto* v = std::get_if<int64_t>(&p)) {
      text[i] = std::to_string(*v);
      values[i] = text[i].c_str();
    } else if (auto* d = std::get_if<double>(&p)) {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.17g", *d);  // 17 significant digits round-trip a double
      text[i] = buffer;
      values[i] = text[i].c_str();
    } else if (auto* s = std::get_if<std::string>(&p)) {
      values[i] = s->c_str();
    }
  }
  ResultPtr result(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()), values.data(),
                                  nullptr, nullptr, 0),
                   PQclear);
  auto status = PQresultStatus(result.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    // The statement vanished from the session (DISCARD, a pooler): prepare it afresh next time.
    if (ErrorField(result.get(), PG_DIAG_SQLSTATE) == "26000") statements_.erase(sql);
    Fail(result.release(), "statement failed");
  }
  SqlRows out;
  int rows = PQntuples(result.get());
  int columns = PQnfields(result.get());
  out.rows.reserve(rows);
  for (int r = 0; r < rows; ++r) {
    std::vector<SqlValue> row;
    row.reserve(columns);
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(result.get(), r, c))
        row.emplace_back(std::monostate{});
      else
        row.emplace_back(std::string(PQgetvalue(result.get(), r, c), PQgetlength(result.get(), r, c)));
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

void PgConnection::EnsureNoOpenTransaction() {
  // A transaction left open by an exception that bypassed Rollback must not absorb the next one: PostgreSQL
  // would only warn about the nested BEGIN and carry on inside the old transaction.
  PGTransactionStatusType status = PQtransactionStatus(conn_);
  if (status == PQTRANS_INTRANS || status == PQTRANS_INERROR) Rollback();
}

void PgConnection::BeginRead() {
  EnsureNoOpenTransaction();
  Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

// READ COMMITTED, so that a statement after the audit advisory lock sees rows committed while it waited.
void PgConnection::BeginWrite() {
  EnsureNoOpenTransaction();
  Execute("BEGIN");
}

void PgConnection::Commit() {
  // COMMIT of a transaction that already failed "succeeds" as a ROLLBACK; report it, or a lost write would
  // look committed.
  bool failed_before = PQtransactionStatus(conn_) == PQTRANS_INERROR;
  ResultPtr result(PQexec(conn_, "COMMIT"), PQclear);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) Fail(result.release(), "commit failed");
  if (failed_before || std::strcmp(PQcmdStatus(result.get()), "ROLLBACK") == 0)
    throw SqlError(SqlFailure::kOther, "commit failed: the transaction had failed and was rolled back");
}

void PgConnection::Rollback() {
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) return;
  if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
  PQclear(PQexec(conn_, "ROLLBACK"));
}

void PgConnection::ReconnectIfBroken() {
  if (!conn_) return;
  // Reading whatever is pending notices a session the server closed while the connection sat idle: the
  // first read takes its farewell message, the second meets the end of the stream.
  for (int i = 0; i < 2 && PQstatus(conn_) == CONNECTION_OK; ++i) PQconsumeInput(conn_);
  if (PQstatus(conn_) != CONNECTION_BAD) return;
  statements_.clear();
  session_ready_ = false;
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) return;
  try {
    ApplySessionSettings();
  } catch (const SqlError&) {
    // Retried before the next statement, which then reports the failure to its caller.
  }
}

}  // namespace kneeregen
