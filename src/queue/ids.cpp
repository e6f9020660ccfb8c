#include "queue/ids.hpp"

#include <cerrno>
#include <system_error>
#include <sys/random.h>

namespace gradio::detail {

std::string random_hex(std::size_t bytes) {
    unsigned char raw[64];
    std::string out;
    out.reserve(bytes * 2);
    static constexpr char hex[] = "0123456789abcdef";
    while (bytes > 0) {
        const std::size_t want = bytes < sizeof raw ? bytes : sizeof raw;
        std::size_t got = 0;
        while (got < want) {
            const ssize_t n = ::getrandom(raw + got, want - got, 0);
            if (n < 0) {
                if (errno == EINTR) continue;
                throw std::system_error(errno, std::generic_category(), "getrandom");
            }
            got += static_cast<std::size_t>(n);
        }
        for (std::size_t i = 0; i < want; ++i) {
            out.push_back(hex[raw[i] >> 4]);
            out.push_back(hex[raw[i] & 0xF]);
        }
        bytes -= want;
    }
    return out;
}

}  // namespace gradio::detail
