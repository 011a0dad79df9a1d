// countyscope._core: numpy in, numpy out. Inputs are viewed without copies when already C-contiguous of the
// right dtype (forcecast converts otherwise); outputs hand the engine's buffers to numpy through a capsule
// (no copy). The GIL is released during computation. Engine errors become Python exceptions with the same
// messages: InputError / UsageError (ValueError), IoError (OSError), Error (RuntimeError).
//
// One file per capability, each calling its capability's one study or engine function (no orchestration
// here): network.cpp, access.cpp, locate.cpp, flows.cpp, options.cpp, county.cpp, stats.cpp; common.hpp holds the argument
// conversion and checks and reads keyword arguments through the option registry (docs/options.md).
#include "common.hpp"

namespace cs::python {

void bind_errors(py::module_& m) {
  // Base first: pybind11 tries translators in reverse order of registration, so subclasses win.
  static py::exception<cs::Error> error(m, "Error", PyExc_RuntimeError);
  static py::exception<cs::IoError> io_error(m, "IoError", PyExc_OSError);
  static py::exception<cs::InputError> input_error(m, "InputError", PyExc_ValueError);
  static py::exception<cs::UsageError> usage_error(m, "UsageError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const cs::InputError& e) {
      input_error(e.what());
    } catch (const cs::UsageError& e) {
      usage_error(e.what());
    } catch (const cs::IoError& e) {
      io_error(e.what());
    } catch (const cs::Error& e) {
      error(e.what());
    }
  });
}

}  // namespace cs::python

PYBIND11_MODULE(_core, m) {
  m.doc() = "countyscope engine bindings (see the countyscope package for documentation)";
  cs::python::bind_errors(m);
  cs::python::bind_network(m);
  cs::python::bind_access(m);
  cs::python::bind_locate(m);
  cs::python::bind_flows(m);
  cs::python::bind_options(m);
  cs::python::bind_county(m);
  cs::python::bind_stats(m);
}
