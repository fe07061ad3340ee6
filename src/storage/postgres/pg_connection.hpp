// One PostgreSQL connection through libpq. The shared SQL arrives with `?` placeholders, which are rewritten
// to $1..$n; each statement is prepared once per session and cached by its text. Parameters and cells travel
// as text and the server infers parameter types from the statement, so both backends bind values alike.
#pragma once

#include <libpq-fe.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "storage/sql_connection.hpp"

namespace kneeregen {

class PgConnection : public SqlConnection {
 public:
  // `url` is a libpq connection URI or keyword string. Throws SqlError (kUnavailable) when the server
  // can't be reached; the message never contains the password.
  explicit PgConnection(const std::string& url);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  void Execute(const std::string& sql) override;
  SqlRows Query(const std::string& sql, const std::vector<SqlValue>& params = {}) override;
  void BeginRead() override;
  void BeginWrite() override;
  void Commit() override;
  void Rollback() override;

  // Called when the connection is leased, never inside a transaction: a session the server dropped is
  // re-established (its prepared statements died with it). Never throws; if the server is still away, the
  // next statement fails with kUnavailable.
  void ReconnectIfBroken();

 private:
  void ApplySessionSettings();
  const std::string& Prepared(const std::string& sql);
  [[noreturn]] void Fail(PGresult* result, const std::string& context);
  void EnsureNoOpenTransaction();

  PGconn* conn_ = nullptr;
  std::vector<std::string> secrets_;  // password spellings scrubbed from every error message
  bool session_ready_ = false;        // session settings applied since the last (re)connect
  std::unordered_map<std::string, std::string> statements_;  // SQL text -> prepared statement name
  int statement_counter_ = 0;
};

// `?` -> `$1`, `$2`, ...; a `?` inside a quoted literal or identifier is left alone.
std::string RewritePlaceholders(const std::string& sql);

// Comma-separated column names from a unique-violation detail ("Key (clinic_id, mrn)=(...)" -> "mrn"),
// without clinic_id (every key includes it) and without the values, which may identify a patient.
std::string UniqueViolationColumns(const std::string& detail);

}  // namespace kneeregen
