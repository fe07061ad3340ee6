#include "core/time.hpp"

#include <charconv>
#include <cstdio>

namespace kneeregen {

namespace {

bool ParseInt(std::string_view text, int& out) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

std::optional<std::chrono::year_month_day> ParseDate(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!ParseInt(text.substr(0, 4), y) || !ParseInt(text.substr(5, 2), m) || !ParseInt(text.substr(8, 2), d))
    return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                   std::chrono::day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::string FormatDate(std::chrono::year_month_day date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buf;
}

std::chrono::year_month_day TodayUtc() {
  return std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(Clock::now())};
}

int YearsBetween(std::chrono::year_month_day birth, std::chrono::year_month_day on) {
  int years = static_cast<int>(on.year()) - static_cast<int>(birth.year());
  if (on.month() < birth.month() || (on.month() == birth.month() && on.day() < birth.day())) --years;
  return years;
}

std::string FormatTimestamp(Clock::time_point t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::milliseconds>(t - day)};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%03dZ",
                FormatDate(std::chrono::year_month_day{day}).c_str(), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buf;
}

std::optional<Clock::time_point> ParseTimestamp(std::string_view text) {
  // Only the exact form FormatTimestamp writes: the server never stores client-supplied timestamps.
  if (text.size() != 24 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != '.' ||
      text[23] != 'Z')
    return std::nullopt;
  auto date = ParseDate(text.substr(0, 10));
  int h = 0, mi = 0, s = 0, ms = 0;
  if (!date || !ParseInt(text.substr(11, 2), h) || !ParseInt(text.substr(14, 2), mi) ||
      !ParseInt(text.substr(17, 2), s) || !ParseInt(text.substr(20, 3), ms) || h > 23 || mi > 59 || s > 60)
    return std::nullopt;
  return std::chrono::sys_days{*date} + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{s} + std::chrono::milliseconds{ms};
}

std::string NowTimestamp() { return FormatTimestamp(Clock::now()); }

}  // namespace kneeregen
