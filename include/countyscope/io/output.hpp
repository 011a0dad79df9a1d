// Atomic outputs: nothing partial is ever left behind. Single files are written to a temporary name in the same
// directory and renamed; a command's output directory is staged and its files moved in only on commit().
//
// Example:
//   cs::OutputDir out("out/demo");                 // stages in out/.demo.staging-<pid>
//   cs::write_file(out.path("results.json"), json_text);
//   out.commit();                                  // without commit (an exception), the staging is removed
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace cs {

// Writes bytes to path via a temporary sibling and rename(2). Throws IoError.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);
// Plain write (used inside a staging directory). Throws IoError.
void write_file(const std::filesystem::path& path, std::string_view bytes);
// Reads a whole file. Throws IoError naming the file.
std::string read_file(const std::filesystem::path& path);

class OutputDir {
 public:
  explicit OutputDir(std::filesystem::path final_dir);
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;
  ~OutputDir();
  // Where to write NAME now (inside the staging directory); sub-folders are created.
  [[nodiscard]] std::filesystem::path path(std::string_view name) const;
  [[nodiscard]] const std::filesystem::path& staging() const noexcept { return staging_; }
  [[nodiscard]] const std::filesystem::path& final_dir() const noexcept { return final_; }
  // Moves every staged file into the final directory (replacing same-named files) and removes the staging.
  void commit();

 private:
  std::filesystem::path final_, staging_;
  bool committed_ = false;
};

}  // namespace cs
