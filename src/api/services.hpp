// The registry services an HTTP handler may call, built once at start-up.
#pragma once

#include "registry/account_service.hpp"
#include "registry/course_service.hpp"
#include "registry/imaging_service.hpp"
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
        surveys(store) {}
  Store& store;
  RecordService records;
  AccountService accounts;
  ScreeningService screenings;
  ImagingService imaging;
  CourseService courses;
  SurveyService surveys;
};

}  // namespace kneeregen::api
