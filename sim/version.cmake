# version.cmake — run by every build (sim/CMakeLists.txt, target
# meso_version): writes OUT, a header with Meso's version and the git commit
# of the source tree (and whether it had uncommitted changes), for
# manifest.json. Rewritten only when it changes, so a build with nothing
# new recompiles nothing.
execute_process(COMMAND git -C "${SRC}" rev-parse HEAD
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR commit STREQUAL "")
  set(commit "unknown")
endif()
execute_process(COMMAND git -C "${SRC}" status --porcelain --untracked-files=no
                OUTPUT_VARIABLE changes ERROR_QUIET RESULT_VARIABLE rc)
set(dirty 0)
if(rc EQUAL 0 AND NOT changes STREQUAL "")
  set(dirty 1)
endif()
file(WRITE "${OUT}.tmp"
  "/* meso_version.h — written by sim/version.cmake at build time; not in git. */\n"
  "#define MESO_VERSION \"${VERSION}\"\n"
  "#define MESO_GIT_COMMIT \"${commit}\"\n"
  "#define MESO_GIT_DIRTY ${dirty}\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")
