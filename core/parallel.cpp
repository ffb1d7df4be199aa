#include "parallel.h"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define CNN_HAVE_THREADS 0
#else
#define CNN_HAVE_THREADS 1
#endif

namespace cnn {
namespace {

#if CNN_HAVE_THREADS
// A parallel_for inside a parallel_for body runs inline: the pool has no spare workers then.
thread_local bool tls_inside_parallel = false;

int64_t slice_begin(int64_t n, int64_t grain, int slices, int s) {
    int64_t tiles = (n + grain - 1) / grain;
    return std::min(n, (tiles * s / slices) * grain);
}

// Workers sleep on a condition variable between jobs; a job is published by bumping
// `generation`, and the caller runs slice 0 itself, then waits for the others.
class Pool {
public:
    ~Pool() { resize(1); }

    int size() const { return static_cast<int>(workers_.size()) + 1; }

    void resize(int threads) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
            ++generation_;
        }
        wake_.notify_all();
        for (auto& w : workers_) w.join();
        workers_.clear();
        stop_ = false;
        // Each worker starts from the current generation: reading it once running could already
        // see the first job's and then wait for it forever.
        const uint64_t start = generation_;
        for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i, start] { work(i, start); });
    }

    void run(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t, int)>& body) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            body_ = &body;
            n_ = n;
            grain_ = grain;
            pending_ = static_cast<int>(workers_.size());
            ++generation_;
        }
        wake_.notify_all();
        run_slice(0);
        std::unique_lock<std::mutex> lock(mutex_);
        done_.wait(lock, [this] { return pending_ == 0; });
        body_ = nullptr;
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    }

private:
    // An exception (e.g. std::bad_alloc) must not escape a worker thread, where it would end the
    // process: the first one is kept and rethrown to the caller of run().
    void run_slice(int s) {
        int64_t b = slice_begin(n_, grain_, size(), s), e = slice_begin(n_, grain_, size(), s + 1);
        if (b >= e) return;
        tls_inside_parallel = true;
        try {
            (*body_)(b, e, s);
        } catch (...) {
            std::lock_guard<std::mutex> lock(error_mutex_);
            if (!error_) error_ = std::current_exception();
        }
        tls_inside_parallel = false;
    }

    void work(int s, uint64_t seen) {
        for (;;) {
            {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return generation_ != seen; });
                seen = generation_;
                if (stop_) return;
            }
            run_slice(s);
            std::lock_guard<std::mutex> lock(mutex_);
            if (--pending_ == 0) done_.notify_one();
        }
    }

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    uint64_t generation_ = 0;
    bool stop_ = false;
    int pending_ = 0;
    std::mutex error_mutex_;
    std::exception_ptr error_;
    const std::function<void(int64_t, int64_t, int)>* body_ = nullptr;
    int64_t n_ = 0, grain_ = 1;
};

Pool& pool() {
    static Pool p;
    return p;
}
#endif

}  // namespace

int set_num_threads(int n) {
#if CNN_HAVE_THREADS
    n = std::clamp(n, 1, kMaxThreads);
    if (n != pool().size()) pool().resize(n);
    return n;
#else
    (void)n;
    return 1;
#endif
}

int num_threads() {
#if CNN_HAVE_THREADS
    return pool().size();
#else
    return 1;
#endif
}

void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t, int)>& body) {
    if (n <= 0) return;
    grain = std::max<int64_t>(grain, 1);
#if CNN_HAVE_THREADS
    if (pool().size() > 1 && n > grain && !tls_inside_parallel) {
        pool().run(n, grain, body);
        return;
    }
#endif
    body(0, n, 0);
}

}  // namespace cnn
