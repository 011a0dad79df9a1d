# cs_add_module(NAME SOURCES ... DEPENDS ...): one engine layer as a static library countyscope_NAME.
function(cs_add_module name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  add_library(countyscope_${name} STATIC ${A_SOURCES})
  add_library(countyscope::${name} ALIAS countyscope_${name})
  target_include_directories(countyscope_${name} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
                                                        $<INSTALL_INTERFACE:include>
                                                 PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_compile_features(countyscope_${name} PUBLIC cxx_std_20)
  target_link_libraries(countyscope_${name} PUBLIC ${A_DEPENDS} PRIVATE countyscope_flags ${A_PRIVATE_DEPENDS})
endfunction()

# cs_add_test(NAME SOURCES ... DEPENDS ... LABELS label [TEST_LABELS Suite=label Suite.Test=label ...]): a GoogleTest
# executable registered with CTest. Labels are set per test: a discovered test takes the label of its full name
# (Suite.Test) in TEST_LABELS, else that of its suite, else the executable's one LABELS entry. An executable whose
# discovery finds no test at all gets a failing test "<NAME>_has_no_tests" (a test that checks nothing fails).
function(cs_add_test name)
  cmake_parse_arguments(A "" "TIMEOUT" "SOURCES;DEPENDS;LABELS;TEST_LABELS" ${ARGN})
  list(LENGTH A_LABELS n_labels)
  if(NOT n_labels EQUAL 1)
    message(FATAL_ERROR "cs_add_test(${name}): give exactly one default label (LABELS) and per-test labels in "
                        "TEST_LABELS")
  endif()
  add_executable(${name} ${A_SOURCES})
  target_link_libraries(${name} PRIVATE ${A_DEPENDS} cs_test_support GTest::gtest GTest::gtest_main countyscope_flags)
  include(GoogleTest)
  gtest_discover_tests(${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                       PROPERTIES ENVIRONMENT "COUNTYSCOPE_HOME=${PROJECT_SOURCE_DIR}"
                       DISCOVERY_TIMEOUT 600)
  # Labels go on after discovery (gtest_discover_tests (CMake 3.25) flattens a list-valued property): a second
  # ctest include file labels each discovered test of this executable (${name}_TESTS).
  set(map "")
  foreach(entry IN LISTS A_TEST_LABELS)
    if(NOT entry MATCHES "^([A-Za-z0-9_./]+)=([a-z]+)$")
      message(FATAL_ERROR "cs_add_test(${name}): TEST_LABELS entry '${entry}' is not Suite=label or Suite.Test=label")
    endif()
    set(key ${CMAKE_MATCH_1})
    set(value ${CMAKE_MATCH_2})
    string(CONFIGURE [==[
    elseif(t STREQUAL "@key@" OR suite STREQUAL "@key@")
      set(l @value@)
]==] branch @ONLY)
    string(APPEND map "${branch}")
  endforeach()
  set(default_label ${A_LABELS})
  string(CONFIGURE [==[
if(NOT DEFINED @name@_TESTS OR "${@name@_TESTS}" STREQUAL "")
  # Discovery ran (its file exists) and found nothing: set(@name@_TESTS ) left the list undefined.
  if(EXISTS "@CMAKE_CURRENT_BINARY_DIR@/@name@[1]_tests.cmake")
    add_test(@name@_has_no_tests "@CMAKE_COMMAND@" -E false)
  endif()
else()
  foreach(t IN LISTS @name@_TESTS)
    string(REGEX REPLACE "^([^.]*/)?([^./]+)[.].*$" "\\2" suite "${t}")
    set(l @default_label@)
    if(FALSE)
@map@    endif()
    set_tests_properties("${t}" PROPERTIES LABELS ${l})
  endforeach()
endif()
]==] label_text @ONLY)
  set(label_file ${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake)
  file(WRITE ${label_file} "${label_text}")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${label_file})
endfunction()
