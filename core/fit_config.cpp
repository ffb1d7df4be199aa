#include "fit_config.h"

#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "limits.h"
#include "refuse.h"

namespace cnn {
namespace {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Ranges (check_training)

std::string interval(double lo, double hi, bool hi_excluded) {
    return "[" + format_number(lo) + ", " + format_number(hi) + (hi_excluded ? ")" : "]");
}

void check_range(double v, double lo, double hi, bool hi_excluded, const std::string& where, const char* field) {
    if (!(v >= lo && (hi_excluded ? v < hi : v <= hi)))
        refuse(where + ": " + field + " must be in " + interval(lo, hi, hi_excluded) + " (got " + format_number(v) + ")", field);
}

void check_rate(double v, const std::string& where, const char* field) {
    check_range(v, kMinLearningRate, kMaxLearningRate, false, where, field);
}

void check_steps(int64_t v, int64_t lo, const std::string& where, const char* field) {
    if (v < lo || v > kMaxScheduleSteps)
        refuse(where + ": " + field + " must be between " + std::to_string(lo) + " and " +
                   std::to_string(kMaxScheduleSteps) + " (got " + std::to_string(v) + ")",
               field);
}

void check_schedule(const Schedule& s) {
    if (s.kind == ScheduleKind::Constant) {
        if (!(s.initial_learning_rate >= kMinLearningRate && s.initial_learning_rate <= kMaxLearningRate))
            refuse("the learning rate must be between " + format_number(kMinLearningRate) + " and " +
                       format_number(kMaxLearningRate) + " (got " + format_number(s.initial_learning_rate) + ")",
                   "learning_rate");
        return;
    }
    const std::string where = schedule_name(s.kind);
    if (s.kind == ScheduleKind::PiecewiseConstantDecay) {
        if (s.values.size() != s.boundaries.size() + 1)
            refuse(where + ": values must have one more entry than boundaries (got " + std::to_string(s.values.size()) +
                       " values for " + std::to_string(s.boundaries.size()) + " boundaries)",
                   "values");
        for (size_t i = 0; i < s.boundaries.size(); ++i) {
            check_steps(s.boundaries[i], 0, where, "boundaries");
            if (i > 0 && s.boundaries[i] <= s.boundaries[i - 1])
                refuse(where + ": boundaries must increase (" + std::to_string(s.boundaries[i]) + " follows " +
                           std::to_string(s.boundaries[i - 1]) + ")",
                       "boundaries");
        }
        for (double v : s.values) check_rate(v, where, "values");
        return;
    }
    // A warm-up may start from 0, as Keras' examples of it do.
    if (s.has_warmup_target)
        check_range(s.initial_learning_rate, 0, kMaxLearningRate, false, where, "initial_learning_rate");
    else
        check_rate(s.initial_learning_rate, where, "initial_learning_rate");
    check_steps(s.decay_steps, 1, where, "decay_steps");
    if (s.kind == ScheduleKind::ExponentialDecay) {
        if (!(s.decay_rate > 0 && s.decay_rate <= kMaxDecayRate))
            refuse(where + ": decay_rate must be above 0 and at most " + format_number(kMaxDecayRate) + " (got " +
                       format_number(s.decay_rate) + ")",
                   "decay_rate");
        return;
    }
    check_range(s.alpha, 0, 1, false, where, "alpha");
    if (s.has_warmup_target) check_rate(s.warmup_target, where, "warmup_target");
    check_steps(s.warmup_steps, 0, where, "warmup_steps");
}

void check_optimizer(const OptimizerConfig& c) {
    check_schedule(c.learning_rate);
    const std::string where = optimizer_name(c.kind);
    check_range(c.momentum, 0, kMaxMomentum, true, where, "momentum");
    check_range(c.beta_1, 0, kMaxAverageDecay, true, where, "beta_1");
    check_range(c.beta_2, 0, kMaxAverageDecay, true, where, "beta_2");
    check_range(c.rho, 0, kMaxAverageDecay, true, where, "rho");
    check_range(c.epsilon, kMinEpsilon, kMaxEpsilon, false, where, "epsilon");
    check_range(c.weight_decay, 0, kMaxWeightDecay, false, where, "weight_decay");
}

void check_monitor(const std::string& monitor, double validation_split, const std::string& where) {
    if (!is_monitor(monitor))
        refuse(where + ": monitor must be loss, accuracy, val_loss or val_accuracy (got '" + monitor + "')", "monitor");
    if (monitor.rfind("val_", 0) == 0 && validation_split == 0)
        refuse(where + ": monitor '" + monitor + "' needs a validation_split above 0", "monitor");
}

void check_patience(int64_t v, const std::string& where, const char* field) {
    if (v < 0 || v > kMaxPatience)
        refuse(where + ": " + field + " must be between 0 and " + std::to_string(kMaxPatience) + " (got " +
                   std::to_string(v) + ")",
               field);
}

void check_augment(const AugmentLayer& l) {
    const std::string where = augment_name(l.kind);
    const bool rotation = l.kind == AugmentKind::RandomRotation;
    const char* height = rotation ? "factor" : "height_factor";
    check_range(l.height_lower, -kMaxAugmentFactor, kMaxAugmentFactor, false, where, height);
    check_range(l.height_upper, -kMaxAugmentFactor, kMaxAugmentFactor, false, where, height);
    if (l.height_lower > l.height_upper) refuse(where + ": " + height + "'s lower bound is above its upper one", height);
    if (!rotation && l.has_width) {
        check_range(l.width_lower, -kMaxAugmentFactor, kMaxAugmentFactor, false, where, "width_factor");
        check_range(l.width_upper, -kMaxAugmentFactor, kMaxAugmentFactor, false, where, "width_factor");
        if (l.width_lower > l.width_upper) refuse(where + ": width_factor's lower bound is above its upper one", "width_factor");
    }
    if (!std::isfinite(l.fill_value)) refuse(where + ": fill_value must be a finite number", "fill_value");
}

// ---------------------------------------------------------------------------------------------
// Reading (read_fit_config)

// One JSON object of settings, read field by field; a field left unread is refused. A field
// given as null counts as not given (Keras writes unset options as null).
class Fields {
public:
    Fields(const json& j, std::string where) : j_(j), where_(std::move(where)) {
        if (!j_.is_object()) refuse(where_ + " must be a JSON object (got " + j_.dump() + ")");
    }

    const json* get(const std::string& name) {
        read_.insert(name);
        auto it = j_.find(name);
        return it == j_.end() || it->is_null() ? nullptr : &*it;
    }
    double number(const std::string& name, double fallback) {
        const json* v = get(name);
        if (!v) return fallback;
        if (!v->is_number()) wrong_type(name, "a number", *v);
        return v->get<double>();
    }
    double required_number(const std::string& name) {
        if (!get(name)) missing(name);
        return number(name, 0);
    }
    int64_t required_integer(const std::string& name) {
        if (!get(name)) missing(name);
        return integer(name, 0);
    }
    int64_t integer(const std::string& name, int64_t fallback) {
        const json* v = get(name);
        if (!v) return fallback;
        return whole(name, *v);
    }
    bool boolean(const std::string& name, bool fallback) {
        const json* v = get(name);
        if (!v) return fallback;
        if (!v->is_boolean()) wrong_type(name, "true or false", *v);
        return v->get<bool>();
    }
    std::string text(const std::string& name, const std::string& fallback) {
        const json* v = get(name);
        if (!v) return fallback;
        if (!v->is_string()) wrong_type(name, "a string", *v);
        return v->get<std::string>();
    }
    // A Keras option the engine does not offer: accepted only as Keras' default (null or `off`).
    void only_default(const std::string& name, const json& off = nullptr) {
        const json* v = get(name);
        if (v && *v != off) refuse(where_ + ": " + name + " is not supported here (got " + v->dump() + ")", name);
    }
    void ignore(const std::string& name) { read_.insert(name); }

    int64_t whole(const std::string& name, const json& v) const {
        if (!v.is_number() || v.get<double>() != std::floor(v.get<double>()) || std::abs(v.get<double>()) > 9e15)
            wrong_type(name, "a whole number", v);
        return int64_t(v.get<double>());
    }
    [[noreturn]] void wrong_type(const std::string& name, const char* want, const json& got) const {
        refuse(where_ + ": " + name + " must be " + want + " (got " + got.dump() + ")", name);
    }
    [[noreturn]] void missing(const std::string& name) const { refuse(where_ + ": " + name + " is required", name); }

    // Refuses the fields nobody read, naming the ones that can be given.
    void done() const {
        for (const auto& item : j_.items())
            if (!read_.count(item.key())) {
                std::string known;
                for (const auto& k : read_) known += (known.empty() ? "" : ", ") + k;
                refuse(where_ + ": unknown field '" + item.key() + "' (expected " + known + ")", item.key());
            }
    }
    const std::string& where() const { return where_; }

private:
    const json& j_;
    std::string where_;
    std::set<std::string> read_;
};

// {"class_name": C, "config": {...}}: C, and the config (an empty object when left out).
std::pair<std::string, json> keras_object(const json& j, const std::string& where) {
    Fields f(j, where);
    const std::string name = f.text("class_name", "");
    if (name.empty()) f.missing("class_name");
    const json* config = f.get("config");
    f.done();
    return {name, config ? *config : json::object()};
}

Schedule read_schedule(const json& j) {
    if (j.is_number()) return Schedule::constant(j.get<double>());
    if (!j.is_object()) refuse("learning_rate must be a number or a schedule {\"class_name\": …, \"config\": {…}} (got " + j.dump() + ")", "learning_rate");
    auto [name, config] = keras_object(j, "the learning rate schedule");
    Fields f(config, name);
    Schedule s;
    f.ignore("name");
    if (name == "ExponentialDecay") {
        s.kind = ScheduleKind::ExponentialDecay;
        s.initial_learning_rate = f.required_number("initial_learning_rate");
        s.decay_steps = f.required_integer("decay_steps");
        s.decay_rate = f.required_number("decay_rate");
        s.staircase = f.boolean("staircase", false);
    } else if (name == "CosineDecay") {
        s.kind = ScheduleKind::CosineDecay;
        s.initial_learning_rate = f.required_number("initial_learning_rate");
        s.decay_steps = f.required_integer("decay_steps");
        s.alpha = f.number("alpha", 0);
        s.has_warmup_target = f.get("warmup_target") != nullptr;
        s.warmup_target = f.number("warmup_target", 0);
        s.warmup_steps = f.integer("warmup_steps", 0);
    } else if (name == "PiecewiseConstantDecay") {
        s.kind = ScheduleKind::PiecewiseConstantDecay;
        const json* boundaries = f.get("boundaries");
        const json* values = f.get("values");
        if (!boundaries) f.missing("boundaries");
        if (!values) f.missing("values");
        if (!boundaries->is_array()) f.wrong_type("boundaries", "a list of steps", *boundaries);
        if (!values->is_array()) f.wrong_type("values", "a list of learning rates", *values);
        for (const auto& b : *boundaries) s.boundaries.push_back(f.whole("boundaries", b));
        for (const auto& v : *values) {
            if (!v.is_number()) f.wrong_type("values", "a list of learning rates", *values);
            s.values.push_back(v.get<double>());
        }
    } else {
        refuse("unknown learning rate schedule '" + name + "' (expected ExponentialDecay, CosineDecay or PiecewiseConstantDecay)",
               "learning_rate");
    }
    f.done();
    return s;
}

void read_optimizer(Fields& f, OptimizerConfig& c) {
    if (const json* lr = f.get("learning_rate")) c.learning_rate = read_schedule(*lr);
    c.weight_decay = f.number("weight_decay", c.weight_decay);
    if (c.kind == OptimizerKind::SGD) {
        c.momentum = f.number("momentum", c.momentum);
        c.nesterov = f.boolean("nesterov", c.nesterov);
    } else if (c.kind == OptimizerKind::RMSprop) {
        c.rho = f.number("rho", c.rho);
        c.momentum = f.number("momentum", c.momentum);
        c.epsilon = f.number("epsilon", c.epsilon);
        c.centered = f.boolean("centered", c.centered);
    } else {
        c.beta_1 = f.number("beta_1", c.beta_1);
        c.beta_2 = f.number("beta_2", c.beta_2);
        c.epsilon = f.number("epsilon", c.epsilon);
        f.only_default("amsgrad", false);
    }
    // What Keras' get_config() also writes.
    for (const char* name : {"name", "ema_momentum", "ema_overwrite_frequency"}) f.ignore(name);
    for (const char* name : {"clipnorm", "clipvalue", "global_clipnorm", "loss_scale_factor", "gradient_accumulation_steps"})
        f.only_default(name);
    f.only_default("use_ema", false);
    f.done();
}

// The optimizer field (a name or a Keras object) with the top level's learning_rate, momentum
// and nesterov (the form the page sends) merged into its config.
OptimizerConfig read_optimizer_field(Fields& top) {
    std::string name = "adam";
    json config = json::object();
    if (const json* o = top.get("optimizer")) {
        if (o->is_string())
            name = o->get<std::string>();
        else if (o->is_object())
            std::tie(name, config) = keras_object(*o, "optimizer");
        else
            top.wrong_type("optimizer", "a name or {\"class_name\": …, \"config\": {…}}", *o);
    }
    OptimizerConfig c = optimizer_defaults(name);
    if (!config.is_object()) refuse(std::string("optimizer ") + optimizer_name(c.kind) + ": config must be a JSON object", "optimizer");
    for (const char* key : {"learning_rate", "momentum", "nesterov"})
        if (const json* v = top.get(key)) {
            if (config.contains(key) && !config[key].is_null())
                refuse(std::string(key) + " is given twice: at the top and in the optimizer's config", key);
            config[key] = *v;
        }
    Fields f(config, optimizer_name(c.kind));
    read_optimizer(f, c);
    return c;
}

MonitorMode read_mode(Fields& f) {
    const std::string mode = f.text("mode", "auto");
    if (mode == "auto") return MonitorMode::Auto;
    if (mode == "min") return MonitorMode::Min;
    if (mode == "max") return MonitorMode::Max;
    refuse(f.where() + ": mode must be auto, min or max (got '" + mode + "')", "mode");
}

void read_callback(const json& j, TrainConfig& c) {
    auto [name, config] = keras_object(j, "a callback");
    Fields f(config, name);
    f.ignore("verbose");
    if ((name == "EarlyStopping" && c.early_stopping) || (name == "ReduceLROnPlateau" && c.reduce_lr_on_plateau))
        refuse(name + " is given twice in callbacks", "callbacks");
    if (name == "EarlyStopping") {
        EarlyStoppingConfig e;
        e.monitor = f.text("monitor", e.monitor);
        e.min_delta = std::abs(f.number("min_delta", e.min_delta));
        e.patience = f.integer("patience", e.patience);
        e.mode = read_mode(f);
        e.restore_best_weights = f.boolean("restore_best_weights", e.restore_best_weights);
        f.only_default("baseline");
        f.only_default("start_from_epoch", 0);
        c.early_stopping = e;
    } else if (name == "ReduceLROnPlateau") {
        ReduceLROnPlateauConfig r;
        r.monitor = f.text("monitor", r.monitor);
        r.factor = f.number("factor", r.factor);
        r.patience = f.integer("patience", r.patience);
        r.mode = read_mode(f);
        r.min_delta = f.number("min_delta", r.min_delta);
        r.cooldown = f.integer("cooldown", r.cooldown);
        r.min_lr = f.number("min_lr", r.min_lr);
        c.reduce_lr_on_plateau = r;
    } else {
        refuse("unknown callback '" + name + "' (expected EarlyStopping or ReduceLROnPlateau)", "callbacks");
    }
    f.done();
}

// A Keras factor: f means [−f, f] (f ≥ 0), or [lower, upper].
void read_factor(Fields& f, const std::string& name, double& lower, double& upper) {
    const json* v = f.get(name);
    if (!v) f.missing(name);
    if (v->is_number()) {
        const double x = v->get<double>();
        if (x < 0) refuse(f.where() + ": " + name + " must be at least 0 when it is one number (it means [-f, f]); give [lower, upper] otherwise", name);
        lower = -x, upper = x;
        return;
    }
    if (!v->is_array() || v->size() != 2 || !(*v)[0].is_number() || !(*v)[1].is_number())
        f.wrong_type(name, "a number or [lower, upper]", *v);
    lower = (*v)[0].get<double>(), upper = (*v)[1].get<double>();
}

void read_augment_layer(const json& j, TrainConfig& c) {
    auto [name, config] = keras_object(j, "an augmentation layer");
    Fields f(config, name);
    AugmentLayer l;
    if (name == "RandomTranslation") {
        l.kind = AugmentKind::RandomTranslation;
        read_factor(f, "height_factor", l.height_lower, l.height_upper);
        read_factor(f, "width_factor", l.width_lower, l.width_upper);
    } else if (name == "RandomRotation") {
        l.kind = AugmentKind::RandomRotation;
        read_factor(f, "factor", l.height_lower, l.height_upper);
    } else if (name == "RandomZoom") {
        l.kind = AugmentKind::RandomZoom;
        read_factor(f, "height_factor", l.height_lower, l.height_upper);
        l.has_width = f.get("width_factor") != nullptr;
        if (l.has_width) read_factor(f, "width_factor", l.width_lower, l.width_upper);
    } else {
        refuse("unknown augmentation layer '" + name + "' (expected RandomTranslation, RandomRotation or RandomZoom)",
               "augmentation");
    }
    const std::string fill = f.text("fill_mode", "reflect");
    if (fill == "reflect") l.fill_mode = FillMode::Reflect;
    else if (fill == "wrap") l.fill_mode = FillMode::Wrap;
    else if (fill == "nearest") l.fill_mode = FillMode::Nearest;
    else if (fill == "constant") l.fill_mode = FillMode::Constant;
    else refuse(name + ": fill_mode must be reflect, wrap, nearest or constant (got '" + fill + "')", "fill_mode");
    const std::string interpolation = f.text("interpolation", "bilinear");
    if (interpolation == "bilinear") l.interpolation = Interpolation::Bilinear;
    else if (interpolation == "nearest") l.interpolation = Interpolation::Nearest;
    else refuse(name + ": interpolation must be bilinear or nearest (got '" + interpolation + "')", "interpolation");
    l.fill_value = float(f.number("fill_value", 0));
    // The training seed drives every layer; a layer's own seed and Keras' bookkeeping are ignored.
    for (const char* ignored : {"name", "seed", "trainable", "dtype"}) f.ignore(ignored);
    f.only_default("data_format", "channels_last");
    f.done();
    c.augmentation.layers.push_back(l);
}

const json& list_field(Fields& f, const char* name, const json& empty) {
    const json* v = f.get(name);
    if (!v) return empty;
    if (!v->is_array()) f.wrong_type(name, "a list", *v);
    return *v;
}

}  // namespace

void check_training(const TrainConfig& c) {
    if (c.batch_size < kMinBatchSize || c.batch_size > kMaxBatchSize)
        refuse("batch size must be between " + std::to_string(kMinBatchSize) + " and " + std::to_string(kMaxBatchSize) +
                   " (got " + std::to_string(c.batch_size) + ")",
               "batch_size");
    if (c.epochs < kMinEpochs || c.epochs > kMaxEpochs)
        refuse("epochs must be between " + std::to_string(kMinEpochs) + " and " + std::to_string(kMaxEpochs) + " (got " +
                   std::to_string(c.epochs) + ")",
               "epochs");
    check_optimizer(c.optimizer);
    check_range(c.validation_split, 0, kMaxValidationSplit, true, "the training config", "validation_split");
    if (c.validation_every < 0 || c.validation_every > kMaxValidationEvery)
        refuse("the training config: validation_every must be between 0 and " + std::to_string(kMaxValidationEvery) + " steps (got " +
                   std::to_string(c.validation_every) + ")",
               "validation_every");
    if (const auto& e = c.early_stopping) {
        check_monitor(e->monitor, c.validation_split, "EarlyStopping");
        check_patience(e->patience, "EarlyStopping", "patience");
    }
    if (c.reduce_lr_on_plateau) {
        const ReduceLROnPlateauConfig& r = *c.reduce_lr_on_plateau;
        check_monitor(r.monitor, c.validation_split, "ReduceLROnPlateau");
        check_patience(r.patience, "ReduceLROnPlateau", "patience");
        check_patience(r.cooldown, "ReduceLROnPlateau", "cooldown");
        check_range(r.factor, 0, kMaxReduceFactor, true, "ReduceLROnPlateau", "factor");
        check_range(r.min_lr, 0, kMaxLearningRate, false, "ReduceLROnPlateau", "min_lr");
        check_range(r.min_delta, 0, kMaxLearningRate, false, "ReduceLROnPlateau", "min_delta");
        if (c.optimizer.learning_rate.kind != ScheduleKind::Constant)
            refuse(std::string("ReduceLROnPlateau needs a constant learning rate, not a ") +
                       schedule_name(c.optimizer.learning_rate.kind) + " schedule",
                   "learning_rate");
    }
    for (const auto& l : c.augmentation.layers) check_augment(l);
}

TrainConfig read_fit_config(const std::string& text) {
    json j;
    try {
        j = json::parse(text.empty() ? "{}" : text);
    } catch (const json::parse_error& e) {
        refuse(std::string("the training config is not valid JSON: ") + e.what());
    }
    Fields top(j, "the training config");
    TrainConfig c;
    c.optimizer = read_optimizer_field(top);
    c.batch_size = top.integer("batch_size", c.batch_size);
    c.epochs = top.integer("epochs", c.epochs);
    const int64_t seed = top.integer("seed", int64_t(c.seed));
    if (seed < 0) refuse("the training config: seed must be at least 0 (got " + std::to_string(seed) + ")", "seed");
    c.seed = uint64_t(seed);
    c.validation_split = top.number("validation_split", c.validation_split);
    c.validation_every = top.integer("validation_every", c.validation_every);
    const json empty = json::array();
    for (const auto& callback : list_field(top, "callbacks", empty)) read_callback(callback, c);
    for (const auto& layer : list_field(top, "augmentation", empty)) read_augment_layer(layer, c);
    top.done();
    check_training(c);
    return c;
}

std::vector<float> learning_rate_curve(const TrainConfig& config, int64_t steps) {
    if (steps < 0 || steps > kMaxCurveSteps)
        refuse("the learning rate curve: steps must be between 0 and " + std::to_string(kMaxCurveSteps) + " (got " +
               std::to_string(steps) + ")");
    std::vector<float> curve(static_cast<size_t>(steps));
    for (size_t i = 0; i < curve.size(); ++i) curve[i] = float(config.optimizer.learning_rate.at(int64_t(i)));
    return curve;
}

}  // namespace cnn
