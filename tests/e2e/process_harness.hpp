// Black-box helpers for the end-to-end suites: run the real kneeregen binary (path in KNEEREGEN_BINARY) as a
// child process, stop it gently or with SIGKILL, wait for its health endpoint, and sign in over HTTP.
#pragma once

#include <httplib.h>
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kneeregen::e2e {

using namespace std::chrono_literals;

// The binary under test, from KNEEREGEN_BINARY (set by kneeregen_test() in tests/CMakeLists.txt).
std::string KneeregenBinary();

// A fresh directory under the system temp dir, removed with everything in it when this goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (the kernel picked it for a socket bound to port 0).
int FreePort();

std::string ReadFile(const std::string& path);
size_t CountOccurrences(const std::string& text, const std::string& needle);

// The exit status as a shell reports it: the exit code, or 128 + the signal that ended the process.
int ExitCodeOf(int wait_status);

// A child process running the kneeregen binary with stdin from /dev/null and stdout and stderr captured in
// files (never pipes, so a chatty child can't block on a full pipe nobody reads).
class Process {
 public:
  // Starts `KneeregenBinary() args...`; output files go in `output_dir` under a unique prefix.
  Process(const std::vector<std::string>& args, const std::string& output_dir);
  ~Process();  // kills the child with SIGKILL if it still runs, and reaps it
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool started() const { return pid_ > 0; }
  // True while the child has not exited (reaps it, recording the exit status, when it has).
  bool Running();
  void Signal(int signal);
  // Waits up to `timeout` for the child to exit; its exit code (ExitCodeOf) or nothing on timeout.
  std::optional<int> WaitExit(std::chrono::milliseconds timeout);
  // SIGKILL and reap; returns once the process is gone.
  void Kill();
  std::optional<int> exit_code() const { return exit_code_; }

  std::string Stdout() const { return ReadFile(stdout_path_); }
  std::string Stderr() const { return ReadFile(stderr_path_); }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string stdout_path_;
  std::string stderr_path_;
};

struct CommandResult {
  int exit_code = -1;  // ExitCodeOf; -1 when the command did not finish in time (it was killed)
  std::string out;
  std::string err;
};

// Runs `kneeregen args...` to completion (killing it after `timeout`) and returns its exit code and output.
CommandResult RunKneeregen(const std::vector<std::string>& args, std::chrono::milliseconds timeout = 120s);

// `kneeregen serve --db URL --listen 127.0.0.1:<free port> extra...`.
class ServerProcess {
 public:
  ServerProcess(const std::string& db_url, const std::string& output_dir,
                const std::vector<std::string>& extra_args = {});

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
  Process& process() { return *process_; }

  // Polls GET /api/v1/health until it answers 200. On failure (timeout, or the server exited) returns false
  // and fills `why` with what happened, including the server's output.
  bool WaitUntilHealthy(std::chrono::milliseconds timeout, std::string* why = nullptr);
  // A client for this server with short timeouts, suitable for one thread.
  std::unique_ptr<httplib::Client> Client() const;
  // SIGTERM, then the exit code (nothing if it did not exit within `timeout`; it is then killed).
  std::optional<int> Stop(std::chrono::milliseconds timeout = 15s);

 private:
  int port_ = 0;
  std::unique_ptr<Process> process_;
};

// A signed-in browser session: the cookie to send back and the CSRF token for state-changing requests.
struct Session {
  std::string cookie;  // "__Host-kneeregen_session=<token>"
  std::string csrf_token;
};

// POST /api/v1/session; nothing (with the reason in `why`) unless it answers 201 with a cookie and a token.
std::optional<Session> SignIn(httplib::Client& client, const std::string& username,
                              const std::string& password, std::string* why = nullptr);
// Cookie and X-CSRF-Token headers for a request in `session`.
httplib::Headers SessionHeaders(const Session& session);

// The text after the last "(shown only now):" in a command's output, up to the end of that line, trimmed.
std::optional<std::string> ShownPassword(const std::string& output);

}  // namespace kneeregen::e2e
