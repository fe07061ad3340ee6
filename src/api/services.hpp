// The registry services an HTTP handler may call, built once at start-up.
#pragma once

#include "registry/account_service.hpp"
#include "registry/analytics_service.hpp"
#include "registry/call_queue_service.hpp"
#include "registry/course_service.hpp"
#include "registry/imaging_service.hpp"
#include "registry/outbox_service.hpp"
#include "registry/record_service.hpp"
#include "registry/screening_service.hpp"
#include "registry/survey_service.hpp"
#include "registry/store.hpp"

namespace kneeregen::api {

class Services {
 public:
  explicit Services(Store& store, SessionSettings settings = {})
      : store(store),
        records(store),
        accounts(store, settings),
        screenings(store),
        imaging(store),
        courses(store),
        surveys(store),
        outbox(store),
        calls(store),
        analytics(store) {}
  Store& store;
  RecordService records;
  AccountService accounts;
  ScreeningService screenings;
  ImagingService imaging;
  CourseService courses;
  SurveyService surveys;
  OutboxService outbox;
  CallQueueService calls;
  AnalyticsService analytics;
  // Where patients reach this server: survey links in emails start with it. Set once at start-up.
  std::string public_url = "http://127.0.0.1:8080";
};

}  // namespace kneeregen::api
