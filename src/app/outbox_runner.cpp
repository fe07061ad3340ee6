#include "app/outbox_runner.hpp"

#include <spdlog/spdlog.h>

namespace kneeregen::app {

OutboxRunner::OutboxRunner(Store& store, std::unique_ptr<MailTransport> transport, std::chrono::seconds interval)
    : outbox_(store), transport_(std::move(transport)), interval_(interval), thread_([this] { Loop(); }) {}

OutboxRunner::~OutboxRunner() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void OutboxRunner::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      auto run = outbox_.RunDue(Clock::now(), *transport_);
      if (!run) spdlog::error("outbox: run failed: {}", Describe(run.error().code).title);
      else if (run->sent + run->retrying + run->failed + run->calls_opened > 0) spdlog::info("outbox: {}", run->ToJson().dump());
    } catch (const std::exception& e) {
      spdlog::error("outbox: run stopped by an error: {}", e.what());
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace kneeregen::app
