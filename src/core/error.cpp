#include "core/error.hpp"

#include <array>
#include <utility>

namespace kneeregen {

namespace {

constexpr std::array kErrorTable = {
    ErrorInfo{"bad_request", 400, "The request could not be read"},
    ErrorInfo{"malformed_json", 400, "The request body is not valid JSON"},
    ErrorInfo{"validation_failed", 400, "One or more fields are invalid"},
    ErrorInfo{"unauthenticated", 401, "Sign in to continue"},
    ErrorInfo{"forbidden", 403, "Your role does not allow this action"},
    ErrorInfo{"csrf_failed", 403, "The request is missing a valid CSRF token or comes from another origin"},
    ErrorInfo{"not_found", 404, "Not found"},
    ErrorInfo{"method_not_allowed", 405, "Method not allowed"},
    ErrorInfo{"conflict", 409, "The request conflicts with existing data"},
    ErrorInfo{"precondition_failed", 412, "The record changed since you read it"},
    ErrorInfo{"length_required", 411, "Send the body with a Content-Length, not in chunks"},
    ErrorInfo{"payload_too_large", 413, "The request body is larger than 1 MiB"},
    ErrorInfo{"uri_too_long", 414, "The request address is too long"},
    ErrorInfo{"unsupported_media_type", 415, "Send the body as application/json"},
    ErrorInfo{"rate_limited", 429, "Too many requests; try again later"},
    ErrorInfo{"storage_full", 507, "The database has no space left; nothing was written"},
    ErrorInfo{"unavailable", 503, "The database is unavailable; nothing was written"},
    ErrorInfo{"internal", 500, "Internal error; nothing was written"},
};

}  // namespace

const ErrorInfo& Describe(ErrorCode code) { return kErrorTable.at(static_cast<size_t>(code)); }

Error Error::Validation(std::vector<FieldError> fields) {
  return Error{ErrorCode::kValidationFailed, "", std::move(fields)};
}

Error Error::Field(ErrorCode code, std::string field, std::string message) {
  return Error{code, "", {FieldError{std::move(field), std::move(message)}}};
}

Error Error::NotFound(std::string what) { return Error{ErrorCode::kNotFound, std::move(what), {}}; }

}  // namespace kneeregen
