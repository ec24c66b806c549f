// The Catch2 entry point every test executable links.
//
// A sim::System here keeps the copy family's built-in thresholds (EROS_NO_CALIBRATE=1): a
// test checks what is delivered, which the tuning does not change, and a test run should
// neither spend a second calibrating nor write under $HOME. An explicit setting in the
// environment is kept; tests/tuning_test.cpp checks the calibrated path itself.
#define CATCH_CONFIG_RUNNER
#include <cstdlib>

#include <catch2/catch.hpp>

int main(int argc, char* argv[]) {
  setenv("EROS_NO_CALIBRATE", "1", /*overwrite=*/0);
  return Catch::Session().run(argc, argv);
}
