// Calendar dates and UTC timestamps as the registry stores them: ISO-8601 text ("2026-02-28",
// "2026-02-28T09:30:00.123Z"), which sorts correctly as text on every backend.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kneeregen {

// A valid proleptic Gregorian date; Feb 30 does not parse.
std::optional<std::chrono::year_month_day> ParseDate(std::string_view text);
std::string FormatDate(std::chrono::year_month_day date);
std::chrono::year_month_day TodayUtc();
// Whole years between two dates (age on `on` for someone born on `birth`).
int YearsBetween(std::chrono::year_month_day birth, std::chrono::year_month_day on);

using Clock = std::chrono::system_clock;
std::string FormatTimestamp(Clock::time_point t);
std::optional<Clock::time_point> ParseTimestamp(std::string_view text);
std::string NowTimestamp();

}  // namespace kneeregen
