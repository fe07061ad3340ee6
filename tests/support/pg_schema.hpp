// A throwaway PostgreSQL schema for one test: created empty (dropped first if a crashed run left it), chosen
// through the connection URL's options as an operator would, and dropped when the test ends. Only under
// scripts/with-postgres.sh, which sets KNEEREGEN_TEST_PG_URL; elsewhere `available()` is false.
#pragma once

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace kneeregen::testing_support {

class PgSchema {
 public:
  explicit PgSchema(const std::string& prefix) {
    const char* base = std::getenv("KNEEREGEN_TEST_PG_URL");
    if (!base || !*base) return;
    base_ = base;
    name_ = prefix + "_" + std::to_string(getpid());
    Run("DROP SCHEMA IF EXISTS " + name_ + " CASCADE; CREATE SCHEMA " + name_);
  }
  ~PgSchema() {
    if (available()) Run("DROP SCHEMA IF EXISTS " + name_ + " CASCADE", /*quiet=*/true);
  }
  PgSchema(const PgSchema&) = delete;
  PgSchema& operator=(const PgSchema&) = delete;

  bool available() const { return !base_.empty(); }
  // A store URL whose connections see only this schema.
  std::string url() const {
    return base_ + (base_.find('?') == std::string::npos ? "?" : "&") + "options=-c%20search_path%3D" + name_;
  }

 private:
  void Run(const std::string& command, bool quiet = false) const {
    PGconn* conn = PQconnectdb(base_.c_str());
    PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
    std::string error;
    if (PQstatus(conn) != CONNECTION_OK) {
      error = PQerrorMessage(conn);
    } else {
      PGresult* result = PQexec(conn, command.c_str());
      if (PQresultStatus(result) != PGRES_COMMAND_OK) error = PQerrorMessage(conn);
      PQclear(result);
    }
    PQfinish(conn);
    if (!error.empty() && !quiet) throw std::runtime_error(command + ": " + error);
  }

  std::string base_;
  std::string name_;
};

}  // namespace kneeregen::testing_support
