// GDAL helpers shared by the io/ files that talk to GDAL (internal to io/).
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>

namespace cs::detail {

inline void init_gdal() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    // Fixed timestamps inside GeoPackage metadata, so equal inputs give byte-identical files.
    CPLSetConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z");
    CPLSetConfigOption("OGR_SQLITE_JOURNAL", "OFF");
  });
}

// Collects GDAL/SQLite errors of this thread while alive instead of letting GDAL print them ("ERROR
// 1:
// sqlite3_exec(...) failed: database or disk is full"): library code never prints; the first error goes
// into our exception.
class CplErrors {
 public:
  CplErrors() { CPLPushErrorHandlerEx(&CplErrors::handler, this); }
  ~CplErrors() { CPLPopErrorHandler(); }
  CplErrors(const CplErrors&) = delete;
  CplErrors& operator=(const CplErrors&) = delete;
  [[nodiscard]] bool failed() const { return !errors_.empty(); }
  [[nodiscard]] std::size_t count() const { return count_; }
  // The last error's first line.
  [[nodiscard]] std::string last() const {
    if (errors_.empty()) return "unknown GDAL error";
    std::string m = last_;
    if (const auto nl = m.find('\n'); nl != std::string::npos) m.resize(nl);
    return m;
  }
  // The first error, shortened to its cause ("sqlite3_exec(...) failed: disk I/O error" -> "disk I/O error").
  [[nodiscard]] std::string first() const {
    if (errors_.empty()) return "unknown GDAL error";
    std::string m = errors_.front();
    if (const auto k = m.rfind("failed: "); k != std::string::npos) m = m.substr(k + 8);
    if (const auto nl = m.find('\n'); nl != std::string::npos) m.resize(nl);
    return m;
  }

 private:
  static void CPL_STDCALL handler(CPLErr cls, CPLErrorNum, const char* msg) {
    auto* self = static_cast<CplErrors*>(CPLGetErrorHandlerUserData());
    if (!self || cls < CE_Failure) return;
    ++self->count_;
    if (self->errors_.size() < 8) self->errors_.emplace_back(msg ? msg : "");
    self->last_ = msg ? msg : "";
  }
  std::vector<std::string> errors_;
  std::string last_;
  std::size_t count_ = 0;
};

}  // namespace cs::detail
