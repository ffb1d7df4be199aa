#include "parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
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

// Before a thread sleeps it spins this long for what it waits for: within a training step the
// jobs come microseconds to a millisecond apart (a step's serial parts: kernel packing, the
// optimizer's bookkeeping), while waking a sleeping thread costs tens of microseconds natively (a
// futex round trip) and far more through Atomics.wait in a browser. Measured in headless Chromium
// (npm run bench -- --browser, runs interleaved): 2 threads over 1 went from 1.40–1.54× with a
// 50 µs spin to 1.50–1.98× with 1 ms. The cost is at most 1 ms of a core after the last job.
constexpr std::chrono::microseconds kSpinFor{1000};

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

template <class Ready>
bool spin_until(Ready ready) {
    const auto until = std::chrono::steady_clock::now() + kSpinFor;
    for (int i = 1;; ++i) {
        if (ready()) return true;
        if (i % 64 == 0 && std::chrono::steady_clock::now() > until) return false;
        cpu_relax();
    }
}

// A job is published by bumping `generation_`; workers spin for it, then sleep on `wake_`. The
// caller runs slice 0 itself, then waits (spinning, then sleeping on `done_`) for the others.
// The job's fields are written before the release bump and read after the acquire load.
class Pool {
public:
    ~Pool() { resize(1); }

    int size() const { return static_cast<int>(workers_.size()) + 1; }

    void resize(int threads) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
            generation_.fetch_add(1, std::memory_order_release);
        }
        wake_.notify_all();
        for (auto& w : workers_) w.join();
        workers_.clear();
        stop_ = false;
        // Each worker starts from the current generation: reading it once running could already
        // see the first job's and then wait for it forever.
        const uint64_t start = generation_.load();
        for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i, start] { work(i, start); });
    }

    void run(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t, int)>& body) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            body_ = &body;
            n_ = n;
            grain_ = grain;
            pending_.store(static_cast<int>(workers_.size()), std::memory_order_relaxed);
            generation_.fetch_add(1, std::memory_order_release);
        }
        wake_.notify_all();
        run_slice(0);
        const auto finished = [this] { return pending_.load(std::memory_order_acquire) == 0; };
        if (!spin_until(finished)) {
            std::unique_lock<std::mutex> lock(mutex_);
            done_.wait(lock, finished);
        }
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
            const auto published = [&] { return generation_.load(std::memory_order_acquire) != seen; };
            if (!spin_until(published)) {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, published);
            }
            seen = generation_.load(std::memory_order_acquire);
            if (stop_) return;
            run_slice(s);
            if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
                // Under the lock: the caller checks `pending_` under it before it sleeps.
                std::lock_guard<std::mutex> lock(mutex_);
                done_.notify_one();
            }
        }
    }

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    std::atomic<uint64_t> generation_{0};
    std::atomic<int> pending_{0};
    bool stop_ = false;  // written before a generation bump, read after seeing it
    const std::function<void(int64_t, int64_t, int)>* body_ = nullptr;
    int64_t n_ = 0, grain_ = 1;
    std::mutex error_mutex_;
    std::exception_ptr error_;
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
