// libFuzzer target: arbitrary bytes on a TCP connection to a real in-process server.
// Whatever arrives, the server must neither crash nor trip ASan/UBSan; libFuzzer reports it
// if it does. The answer itself is not checked (it may be anything from 400 to nothing).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_server.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    gr_fuzz::start_server();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)gr_fuzz::exchange(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
