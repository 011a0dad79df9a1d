// Dense row-major matrix. TimeMatrix holds seconds (float); +inf means "no path".
//
// Example:
//   cs::TimeMatrix m(origins.size(), dests.size());
//   m(i, j) = 12.5f;   std::span<float> r = m.row(i);
#pragma once

#include <cassert>
#include <cstddef>
#include <span>
#include <vector>

namespace cs {

template <class T>
class Matrix {
 public:
  Matrix() = default;
  Matrix(std::size_t rows, std::size_t cols, T init = T{})
      : rows_(rows), cols_(cols), data_(rows * cols, init) {}
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  [[nodiscard]] std::size_t cols() const noexcept { return cols_; }
  T& operator()(std::size_t r, std::size_t c) noexcept {
    assert(r < rows_ && c < cols_);
    return data_[r * cols_ + c];
  }
  const T& operator()(std::size_t r, std::size_t c) const noexcept {
    assert(r < rows_ && c < cols_);
    return data_[r * cols_ + c];
  }
  std::span<T> row(std::size_t r) noexcept { return {data_.data() + r * cols_, cols_}; }
  std::span<const T> row(std::size_t r) const noexcept { return {data_.data() + r * cols_, cols_}; }
  T* data() noexcept { return data_.data(); }
  const T* data() const noexcept { return data_.data(); }
  std::vector<T>& storage() noexcept { return data_; }
  const std::vector<T>& storage() const noexcept { return data_; }
  friend bool operator==(const Matrix&, const Matrix&) = default;

 private:
  std::size_t rows_ = 0, cols_ = 0;
  std::vector<T> data_;
};

using TimeMatrix = Matrix<float>;

// A read-only view of a dense row-major matrix owned elsewhere (a Matrix, or a NumPy buffer in the Python
// module: no copy). Converts implicitly from Matrix<T>.
template <class T>
class MatrixView {
 public:
  MatrixView() = default;
  MatrixView(const T* data, std::size_t rows, std::size_t cols) noexcept
      : data_(data), rows_(rows), cols_(cols) {}
  MatrixView(const Matrix<T>& m) noexcept : data_(m.data()), rows_(m.rows()), cols_(m.cols()) {}  // NOLINT
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  [[nodiscard]] std::size_t cols() const noexcept { return cols_; }
  const T& operator()(std::size_t r, std::size_t c) const noexcept {
    assert(r < rows_ && c < cols_);
    return data_[r * cols_ + c];
  }
  std::span<const T> row(std::size_t r) const noexcept { return {data_ + r * cols_, cols_}; }
  const T* data() const noexcept { return data_; }

 private:
  const T* data_ = nullptr;
  std::size_t rows_ = 0, cols_ = 0;
};

using TimeView = MatrixView<float>;

}  // namespace cs
