import Foundation

/// P(yes) from the log-likelihoods of the continuations " yes" and " no".
///
/// The paper's GPT-judge reads P(" yes") from its output distribution after `True:` and calls the
/// answer true when it exceeds 0.5. That judge was fine-tuned to answer only " yes" or " no", so
/// the two tokens hold nearly all the mass and "P(yes) > 0.5" means "yes is preferred to no". A
/// judge that is not fine-tuned spreads mass over other continuations (" Yes", a newline,
/// " The"), so its raw P(" yes") is biased low and would call most answers false whatever it
/// believes. Normalising over the two answers, p = e^lp_yes / (e^lp_yes + e^lp_no) (a logistic
/// of lp_yes − lp_no), restores the fine-tuned judge's meaning: 0.5 is the point where the model
/// is indifferent between yes and no. `mass` keeps the unnormalised total so a report can show
/// how much of the distribution the two answers hold (a judge ignoring the format has low mass).
public struct YesNoProbability: Sendable, Codable, Equatable, Hashable {
    /// P(yes | yes or no), in 0…1; nil when neither continuation has finite log-likelihood.
    public var yes: Double?
    /// e^lp_yes + e^lp_no: the share of the distribution on the two answers.
    public var mass: Double

    public init(logprobYes: Double, logprobNo: Double) {
        mass = exp(logprobYes) + exp(logprobNo)
        switch (logprobYes.isFinite, logprobNo.isFinite) {
        case (true, true):
            // Logistic of the difference, computed on the side that cannot overflow.
            let d = logprobYes - logprobNo
            yes = d >= 0 ? 1 / (1 + exp(-d)) : exp(d) / (1 + exp(d))
        case (true, false) where logprobNo == -.infinity:
            yes = 1
        case (false, true) where logprobYes == -.infinity:
            yes = 0
        default:
            yes = nil
        }
    }
}
