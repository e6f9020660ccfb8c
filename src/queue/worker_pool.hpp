#pragma once
// Fixed pool of threads that run user functions, so the I/O threads never block on them.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace gradio::detail {

class WorkerPool {
public:
    explicit WorkerPool(int threads);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // Queues a task; tasks posted after stop() are dropped.
    void post(std::function<void()> task);
    // Runs the tasks already queued, then joins the threads. Idempotent.
    void stop();

private:
    void run();
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> tasks_;
    std::vector<std::thread> threads_;
    bool stopping_ = false;
};

}  // namespace gradio::detail
