// What the commands that read a CSV file share: their exit codes (documented in each command's --help)
// and opening the file with a message that names it.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "core/csv_reader.hpp"

namespace kneeregen::cli {

inline constexpr int kExitDone = 0;
inline constexpr int kExitUnreadable = 1;  // input unreadable or output unwritable
inline constexpr int kExitInvalidInput = 2;

// A streaming reader over the file at `path`, which it owns and closes; empty after printing
// "kneeregen: cannot open PATH: reason" when the file cannot be opened.
inline std::optional<CsvReader> OpenCsvFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::cerr << "kneeregen: cannot open " << path << ": " << std::strerror(errno) << "\n";
    return std::nullopt;
  }
  // The source owns the descriptor, so the file closes with the reader.
  std::shared_ptr<const int> owned(new int(fd), [](const int* f) {
    ::close(*f);
    delete f;
  });
  return CsvReader([owned, read = CsvFromFileDescriptor(fd)](char* buffer, size_t size) { return read(buffer, size); });
}

}  // namespace kneeregen::cli
