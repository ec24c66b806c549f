// The Catch2 entry point every test executable links.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
