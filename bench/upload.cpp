// gr_upload: what an upload and a file download cost the server, against the loopback floor.
//
//   gr_upload --url http://127.0.0.1:PORT --pid SERVER_PID [--mib 256] [--rounds 3]
//
// Against any gradio.cpp server (bench_server echo). Each round:
//   floor     the same bytes sent over loopback to a sink in this tool that reads and drops them
//             (what moving the bytes costs at all on this machine)
//   upload    POST /gradio_api/upload, one multipart file of --mib MiB, sent from memory in 64 KiB
//             writes; the server streams it to disk
//   download  GET /gradio_api/file=<that file>, read to the end
// Printed per round: MiB/s of each, the ratios upload/floor and download/floor, the server's CPU
// seconds per GiB (from /proc/<pid>/task/*/schedstat) and its VmRSS peak above the idle value
// while uploading (sampled every 5 ms), as a fraction of the file's size: an upload that were
// held in memory would show 1.0 or more.
#include <atomic>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

#include "bench_util.hpp"

using namespace bench;

namespace {

constexpr std::size_t piece = 64 * 1024;
const std::string boundary = "gruploadbench0123456789abcdef";

// Sends `total` bytes (the body after `head`) in 64 KiB writes of `chunk`.
void send_body(tcp::socket& socket, const std::string& head, std::uint64_t total, const std::string& chunk) {
    asio::write(socket, asio::buffer(head));
    for (std::uint64_t sent = 0; sent < total;) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), total - sent));
        asio::write(socket, asio::buffer(chunk.data(), n));
        sent += n;
    }
}

double floor_seconds(std::uint64_t bytes, const std::string& chunk) {
    asio::io_context ioc;
    tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    std::thread sink([&acceptor] {
        tcp::socket s = acceptor.accept();
        std::vector<char> buf(piece);
        boost::system::error_code ec;
        while (!ec) s.read_some(asio::buffer(buf), ec);
    });
    tcp::socket out(ioc);
    const auto start = Clock::now();
    out.connect(acceptor.local_endpoint());
    send_body(out, "", bytes, chunk);
    out.shutdown(tcp::socket::shutdown_send);
    sink.join();
    return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    std::string url = "http://127.0.0.1:7860";
    long pid = 0;
    std::uint64_t mib_size = 256;
    int rounds = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--url") url = argv[i + 1];
        else if (a == "--pid") pid = std::atol(argv[i + 1]);
        else if (a == "--mib") mib_size = std::strtoull(argv[i + 1], nullptr, 10);
        else if (a == "--rounds") rounds = std::atoi(argv[i + 1]);
    }
    std::string host, port;
    parse_url(url, host, port);
    asio::io_context ioc;
    const auto endpoints = tcp::resolver(ioc).resolve(host, port);
    const std::uint64_t bytes = mib_size << 20;
    std::string chunk(piece, '\0');
    for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<char>((i * 7919) % 251);

    const std::string part_head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.bin\"\r\n" +
                                  "Content-Type: application/octet-stream\r\n\r\n";
    const std::string part_tail = "\r\n--" + boundary + "--\r\n";
    std::printf("file %llu MiB, %d rounds\n", static_cast<unsigned long long>(mib_size), rounds);
    for (int round = 0; round < rounds; ++round) {
        const double floor_s = floor_seconds(bytes, chunk);

        // Upload, sampling the server's RSS meanwhile.
        const long idle_kib = rss_kib(pid);
        std::atomic<bool> done{false};
        std::atomic<long> peak_kib{idle_kib};
        std::thread sampler([&] {
            while (!done) {
                peak_kib = std::max(peak_kib.load(), rss_kib(pid));
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
        });
        const double cpu0 = cpu_seconds_precise(pid);
        tcp::socket socket(ioc);
        const auto start = Clock::now();
        asio::connect(socket, endpoints);
        const std::uint64_t length = part_head.size() + bytes + part_tail.size();
        const std::string head = "POST /gradio_api/upload HTTP/1.1\r\nHost: " + host + ":" + port +
                                 "\r\nContent-Type: multipart/form-data; boundary=" + boundary +
                                 "\r\nConnection: close\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n" + part_head;
        send_body(socket, head, bytes, chunk);
        asio::write(socket, asio::buffer(part_tail));
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(socket, buffer, res);
        const double upload_s = std::chrono::duration<double>(Clock::now() - start).count();
        const double upload_cpu = cpu_seconds_precise(pid) - cpu0;
        done = true;
        sampler.join();
        if (res.result_int() != 200) {
            std::cerr << "upload answered " << res.result_int() << ": " << res.body() << "\n";
            return 1;
        }
        const std::string path(json::parse(res.body()).as_array().at(0).as_string());

        // Download it again.
        const double cpu1 = cpu_seconds_precise(pid);
        tcp::socket getter(ioc);
        const auto start2 = Clock::now();
        asio::connect(getter, endpoints);
        const std::string get = "GET /gradio_api/file=" + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nConnection: close\r\n\r\n";
        asio::write(getter, asio::buffer(get));
        std::vector<char> buf(piece);
        std::uint64_t received = 0;
        boost::system::error_code ec;
        while (!ec) received += getter.read_some(asio::buffer(buf), ec);
        const double download_s = std::chrono::duration<double>(Clock::now() - start2).count();
        const double download_cpu = cpu_seconds_precise(pid) - cpu1;
        if (received < bytes) {
            std::cerr << "download got " << received << " bytes\n";
            return 1;
        }

        const double mibf = static_cast<double>(mib_size);
        const double gib = mibf / 1024.0;
        std::printf("round %d: floor %.0f MiB/s | upload %.0f MiB/s (x%.2f of floor), server CPU %.2f s/GiB, RSS peak +%.1f MiB "
                    "(%.3f of the file) | download %.0f MiB/s (x%.2f of floor), server CPU %.2f s/GiB\n",
                    round + 1, mibf / floor_s, mibf / upload_s, floor_s / upload_s, upload_cpu / gib,
                    mib(peak_kib.load() - idle_kib), mib(peak_kib.load() - idle_kib) / mibf, mibf / download_s, floor_s / download_s,
                    download_cpu / gib);
    }
    return 0;
}
