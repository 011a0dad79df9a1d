// Argument conversion and checks shared by the binding files (common.hpp).
#include "common.hpp"

#include <cmath>

#include <countyscope/core/limits.hpp>

namespace cs::python {

py::array checked_array(const py::object& obj, const char* func, const char* name, std::size_t ndim,
                        const char* what, bool integral) {
  py::array a = py::array::ensure(obj);
  if (!a) {
    PyErr_Clear();
    args::fail(func, name,
               "expected an array, got " + std::string(py::str(py::type::of(obj).attr("__name__"))));
  }
  const std::string kind = py::str(a.dtype().attr("kind"));
  args::check_dtype(func, name, kind.empty() ? '?' : kind[0], std::string(py::str(a.dtype())), integral);
  args::check_shape(func, name, static_cast<std::size_t>(a.ndim()), ndim, what);
  return a;
}

void check_integer_range(const py::array& a, const char* func, const char* name, std::int64_t lo,
                         std::int64_t hi) {
  const auto wide = carray<std::int64_t>::ensure(a);
  for (py::ssize_t i = 0; i < wide.size(); ++i)
    if (const std::int64_t v = wide.data()[i]; v < lo || v > hi)
      args::fail_value(func, name,
                       ", index " + std::to_string(i) + ": expected an integer in [" + std::to_string(lo) +
                           ", " + std::to_string(hi) + "], got " + std::to_string(v));
}

std::vector<cs::LonLat> as_lonlat(const py::object& obj, const char* func, const char* name) {
  const auto a = array_arg<double>(obj, func, name, 2, "n x 2: lon, lat");
  if (a.shape(1) != 2)
    args::fail(func, name,
               "expected an (n, 2) array of lon, lat, got " + std::to_string(a.shape(1)) + " columns");
  std::vector<cs::LonLat> pts(dim(a, 0));
  for (std::size_t i = 0; i < pts.size(); ++i) {
    pts[i] = {a.data()[2 * i], a.data()[2 * i + 1]};
    if (auto msg = cs::range_problem(pts[i].lon, cs::limits::kLongitude))
      args::fail_value(func, name, ", row " + std::to_string(i) + ", column 0: " + *msg);
    if (auto msg = cs::range_problem(pts[i].lat, cs::limits::kLatitude))
      args::fail_value(func, name, ", row " + std::to_string(i) + ", column 1: " + *msg);
  }
  return pts;
}

cs::Context make_context(int threads) {
  if (const auto problem = cs::range_problem(threads, cs::limits::kThreads))
    throw cs::UsageError("threads: " + *problem);
  cs::Context ctx;
  ctx.threads = threads;
  return ctx;
}

cs::opt::Value registry_value(const py::object& o, const std::string& where) {
  if (py::isinstance<py::bool_>(o)) return o.cast<bool>();
  if (py::isinstance<py::str>(o)) return o.cast<std::string>();
  if (PyIndex_Check(o.ptr())) return o.cast<std::int64_t>();  // int, numpy integers
  if (PyNumber_Check(o.ptr())) return o.cast<double>();       // float, numpy floats
  if (py::isinstance<py::sequence>(o)) {
    const auto seq = o.cast<py::sequence>();
    bool all_text = seq.size() > 0;
    for (const auto& x : seq) all_text = all_text && py::isinstance<py::str>(x);
    if (all_text) return o.cast<std::vector<std::string>>();
    std::vector<double> v;
    for (const auto& x : seq) {
      if (!PyNumber_Check(x.ptr()) || py::isinstance<py::bool_>(x))
        throw cs::UsageError(where + "expected a number, a string or a list of them");
      v.push_back(x.cast<double>());
    }
    return v;
  }
  throw cs::UsageError(where + "expected a number, a string or a list of them");
}

py::object registry_default(const cs::opt::TableBase& table, const char* name) {
  const auto v = table.default_value(name);
  if (!v) return py::none();
  return std::visit([](const auto& x) -> py::object { return py::cast(x); }, *v);
}

void check_keyword(const cs::opt::TableBase& table, const char* func, const std::string& key,
                   const std::vector<std::string>& allowed) {
  for (const auto& r : table.renamed_options())
    if (r.old_name == key)
      throw cs::UsageError(std::string(func) + "(): argument '" + key + "': " + r.message());
  if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
    throw cs::UsageError(std::string(func) + "(): unexpected argument '" + key + "'");
}

}  // namespace cs::python
