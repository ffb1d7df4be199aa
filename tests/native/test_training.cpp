// Training end to end on real MNIST, and results that do not depend on the thread count.
#include <doctest/doctest.h>

#include "core/architectures.h"
#include "core/dataset.h"
#include "core/parallel.h"
#include "core/trainer.h"
#include "helpers.h"

using namespace cnn;

namespace {

std::vector<float> train_steps(const Dataset& data, int threads, int steps, ModelSpec spec = basic_cnn_spec()) {
    set_num_threads(threads);
    Model m(std::move(spec));
    Rng rng(1);
    m.init_weights(rng);
    Trainer t(m, data, TrainConfig{});
    t.run(steps);
    set_num_threads(1);
    return m.params();
}

}  // namespace

TEST_CASE("Basic_CNN learns MNIST: 150 steps of Adam reach over 90% on 1,000 test images") {
    Dataset train = test::mnist("train"), test = cnn::test::mnist("t10k");
    set_num_threads(2);
    Model m(basic_cnn_spec());
    Rng rng(1);
    m.init_weights(rng);
    const double before = evaluate(m, test, 1000).accuracy;
    Trainer t(m, train, TrainConfig{});
    StepStats first = t.run(10);
    StepStats later = t.run(140);
    const Evaluation after = evaluate(m, test, 1000);
    set_num_threads(1);
    CHECK(before < 0.2);  // untrained: about chance
    CHECK(later.step == 150);
    CHECK(later.loss < first.loss);
    CHECK(after.accuracy > 0.90);
    // Each step's figures: as many as steps run, their mean is the chunk's (full batches here).
    REQUIRE(first.losses.size() == 10);
    REQUIRE(first.accuracies.size() == 10);
    CHECK(later.losses.size() == 140);
    double loss_sum = 0, accuracy_sum = 0;
    for (int i = 0; i < 10; ++i) {
        CHECK(first.losses[i] > 0);
        CHECK(first.accuracies[i] * 32 == doctest::Approx(std::round(first.accuracies[i] * 32)));
        loss_sum += first.losses[i], accuracy_sum += first.accuracies[i];
    }
    CHECK(loss_sum / 10 == doctest::Approx(first.loss));
    CHECK(accuracy_sum / 10 == doctest::Approx(first.accuracy));
    int64_t total = 0;
    for (auto& row : after.confusion)
        for (auto v : row) total += v;
    CHECK(total == 1000);
}

TEST_CASE("one and two threads train to bit-identical weights, in every ready architecture") {
    Dataset train = test::mnist("train");
    CHECK(train_steps(train, 1, 3) == train_steps(train, 2, 3));
    for (const Architecture& a : architectures()) {
        CAPTURE(a.name);
        CHECK(train_steps(train, 1, 2, *architecture_spec(a.name)) == train_steps(train, 2, 2, *architecture_spec(a.name)));
    }
}

TEST_CASE("a diverging run stops with a message and keeps the last good weights") {
    Dataset train = test::mnist("train");
    Model m(basic_cnn_spec());
    Rng rng(1);
    m.init_weights(rng);
    TrainConfig c;
    c.optimizer = optimizer_defaults("sgd");
    c.optimizer.learning_rate = Schedule::constant(10);  // the largest the engine takes
    Trainer t(m, train, c);
    const auto before = m.params();
    std::string err = test::error_of([&] { t.run(20); });
    CHECK(test::contains(err, "training stopped and the weights were restored"));
    CHECK(test::contains(err, "Try a lower learning rate"));
    CHECK(m.params() == before);
}

TEST_CASE("a batch too large for memory is refused with the figure it would need") {
    Dataset train = test::mnist("t10k");
    Model m(basic_cnn_spec());
    TrainConfig c;
    c.batch_size = 4096;  // Basic_CNN's activations are ~0.4 MB an image: 4096 of them need over 1.5 GiB
    std::string err = test::error_of([&] { Trainer t(m, train, c); });
    CHECK(test::contains(err, "training 'Basic_CNN' at batch size 4096 would need about"));
    CHECK(test::contains(err, "use a smaller batch"));
    c.batch_size = 256;
    CHECK(test::error_of([&] { Trainer t(m, train, c); }) == "");
}
