set(DRAWBRIDGE_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wimplicit-fallthrough
  -Wno-missing-field-initializers)  # designated initializers may leave defaults out
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  list(APPEND DRAWBRIDGE_WARNINGS -Wthread-safety)
endif()
