// The one error table of kneeregen: every expected failure has a stable code, an HTTP status and a title.
// Services return these as values; the API turns them into application/problem+json, the CLI into stderr
// lines and a non-zero exit.
#pragma once

#include <string>
#include <vector>

namespace kneeregen {

enum class ErrorCode {
  kBadRequest,
  kMalformedJson,
  kValidationFailed,
  kUnauthenticated,
  kForbidden,
  kCsrfFailed,
  kNotFound,
  kMethodNotAllowed,
  kConflict,
  kPreconditionFailed,
  kLengthRequired,
  kPayloadTooLarge,
  kUriTooLong,
  kUnsupportedMediaType,
  kRateLimited,
  kStorageFull,
  kUnavailable,
  kInternal,
};

struct ErrorInfo {
  const char* code;   // stable, machine-readable; never renamed once shipped
  int http_status;
  const char* title;  // short, human-readable, never contains request data
};

const ErrorInfo& Describe(ErrorCode code);

// One problem with one input field; `field` is a JSON pointer-like path ("birth_date", "lesions/0/area_cm2").
struct FieldError {
  std::string field;
  std::string message;
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string detail;                // safe to show: no SQL, no paths, no PHI beyond what the caller sent
  std::vector<FieldError> fields;

  static Error Validation(std::vector<FieldError> fields);
  static Error Field(ErrorCode code, std::string field, std::string message);
  static Error NotFound(std::string what = "the resource does not exist");
};

}  // namespace kneeregen
