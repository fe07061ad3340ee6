#include "e2e/process_harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace kneeregen::e2e {

namespace {

std::string UniquePrefix() {
  static std::atomic<int> counter{0};
  return "proc" + std::to_string(getpid()) + "_" + std::to_string(++counter);
}

std::string Trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  size_t end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

}  // namespace

std::string KneeregenBinary() {
  const char* path = std::getenv("KNEEREGEN_BINARY");
  if (!path || !*path)
    throw std::runtime_error("KNEEREGEN_BINARY is not set (ctest sets it; see tests/CMakeLists.txt)");
  return path;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "kneeregen-e2e-XXXXXX").string();
  if (!mkdtemp(pattern.data()))
    throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("could not bind to an ephemeral port");
  }
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

size_t CountOccurrences(const std::string& text, const std::string& needle) {
  if (needle.empty()) return 0;
  size_t count = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size()))
    ++count;
  return count;
}

int ExitCodeOf(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

Process::Process(const std::vector<std::string>& args, const std::string& output_dir) {
  std::string prefix = output_dir + "/" + UniquePrefix();
  stdout_path_ = prefix + ".out";
  stderr_path_ = prefix + ".err";
  std::string binary = KneeregenBinary();
  std::vector<std::string> argv_storage;
  argv_storage.push_back(binary);
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, stdout_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  // The child starts with no signal blocked or ignored, whatever this (multi-threaded) test process has.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, binary.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("posix_spawn " + binary + " failed: " + std::strerror(rc));
  pid_ = pid;
}

Process::~Process() {
  if (started() && !exit_code_) Kill();
}

bool Process::Running() {
  if (!started() || exit_code_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_code_ = ExitCodeOf(status);
    return false;
  }
  return r == 0;
}

void Process::Signal(int signal) {
  if (Running()) ::kill(pid_, signal);
}

std::optional<int> Process::WaitExit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(5ms);
  }
  return exit_code_;
}

void Process::Kill() {
  if (!started() || exit_code_) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exit_code_ = ExitCodeOf(status);
}

CommandResult RunKneeregen(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  TempDir output;
  CommandResult result;
  {
    Process process(args, output.path());
    auto code = process.WaitExit(timeout);
    if (!code) process.Kill();
    result.exit_code = code.value_or(-1);
    result.out = process.Stdout();
    result.err = process.Stderr();
  }
  return result;
}

ServerProcess::ServerProcess(const std::string& db_url, const std::string& output_dir,
                             const std::vector<std::string>& extra_args)
    : port_(FreePort()) {
  std::vector<std::string> args = {"serve", "--db", db_url, "--listen", "127.0.0.1:" + std::to_string(port_)};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<Process>(args, output_dir);
}

bool ServerProcess::WaitUntilHealthy(std::chrono::milliseconds timeout, std::string* why) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(0, 200'000);
  client.set_read_timeout(2, 0);
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_->Running()) {
      if (why)
        *why = "the server exited with code " + std::to_string(process_->exit_code().value_or(-1)) +
               "\nstdout:\n" + process_->Stdout() + "\nstderr:\n" + process_->Stderr();
      return false;
    }
    if (auto res = client.Get("/api/v1/health")) {
      if (res->status == 200) return true;
      last = "health answered " + std::to_string(res->status) + ": " + res->body;
    } else {
      last = "health request failed: " + httplib::to_string(res.error());
    }
    std::this_thread::sleep_for(20ms);
  }
  if (why)
    *why = "the server was not healthy in time (" + last + ")\nstdout:\n" + process_->Stdout() +
           "\nstderr:\n" + process_->Stderr();
  return false;
}

std::unique_ptr<httplib::Client> ServerProcess::Client() const {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", port_);
  client->set_connection_timeout(2, 0);
  client->set_read_timeout(15, 0);
  client->set_write_timeout(15, 0);
  return client;
}

std::optional<int> ServerProcess::Stop(std::chrono::milliseconds timeout) {
  process_->Signal(SIGTERM);
  auto code = process_->WaitExit(timeout);
  if (!code) process_->Kill();
  return code;
}

std::optional<Session> SignIn(httplib::Client& client, const std::string& username,
                              const std::string& password, std::string* why) {
  std::string body = nlohmann::json{{"username", username}, {"password", password}}.dump();
  auto res = client.Post("/api/v1/session", body, "application/json");
  if (!res) {
    if (why) *why = "sign-in request failed: " + httplib::to_string(res.error());
    return std::nullopt;
  }
  if (res->status != 201) {
    if (why) *why = "sign-in answered " + std::to_string(res->status) + ": " + res->body;
    return std::nullopt;
  }
  Session session;
  const std::string name = "__Host-kneeregen_session=";
  for (size_t i = 0, n = res->get_header_value_count("Set-Cookie"); i < n; ++i) {
    std::string cookie = res->get_header_value("Set-Cookie", i);
    if (cookie.rfind(name, 0) != 0) continue;
    session.cookie = cookie.substr(0, cookie.find(';'));
  }
  auto json = nlohmann::json::parse(res->body, nullptr, false);
  if (json.is_object() && json.contains("csrf_token") && json["csrf_token"].is_string())
    session.csrf_token = json["csrf_token"].get<std::string>();
  if (session.cookie.empty() || session.csrf_token.empty()) {
    if (why) *why = "sign-in gave no session cookie or no CSRF token: " + res->body;
    return std::nullopt;
  }
  return session;
}

httplib::Headers SessionHeaders(const Session& session) {
  return {{"Cookie", session.cookie}, {"X-CSRF-Token", session.csrf_token}};
}

std::optional<std::string> ShownPassword(const std::string& output) {
  const std::string marker = "(shown only now):";
  size_t pos = output.rfind(marker);
  if (pos == std::string::npos) return std::nullopt;
  pos += marker.size();
  std::string password = Trim(output.substr(pos, output.find('\n', pos) - pos));
  if (password.empty()) return std::nullopt;
  return password;
}

}  // namespace kneeregen::e2e
