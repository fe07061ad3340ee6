// The server's outbox cadence: a background thread that runs OutboxService::RunDue every interval until
// stopped, logging what it did without naming anyone.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "registry/mail_transport.hpp"
#include "registry/outbox_service.hpp"

namespace kneeregen::app {

class OutboxRunner {
 public:
  OutboxRunner(Store& store, std::unique_ptr<MailTransport> transport, std::chrono::seconds interval);
  ~OutboxRunner();  // stops and joins; a send in progress finishes first (bounded by the SMTP timeout)
  OutboxRunner(const OutboxRunner&) = delete;
  OutboxRunner& operator=(const OutboxRunner&) = delete;

 private:
  void Loop();

  OutboxService outbox_;
  std::unique_ptr<MailTransport> transport_;
  std::chrono::seconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace kneeregen::app
