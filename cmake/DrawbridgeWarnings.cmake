set(DRAWBRIDGE_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  list(APPEND DRAWBRIDGE_WARNINGS -Wthread-safety)
endif()
