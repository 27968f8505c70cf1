/// The order and seeds of an evaluation run's generations.
extension EvaluationPrompts {
    /// One generation: prompt `index` (`prompt`) in round `round`, sampled with `seed`.
    struct Slot {
        let index: Int
        let prompt: String
        let round: Int
        let seed: UInt64
    }

    /// The generations of a run, round by round: in each of `rounds` rounds the first `prompts`
    /// prompts, prompt i of round r seeded with `seedBase + i + 1000 r` (documented in the CLI).
    static func schedule(prompts: Int, rounds: Int, seedBase: UInt64) -> [Slot] {
        (0..<rounds).flatMap { round in
            all.prefix(prompts).enumerated().map { index, prompt in
                Slot(index: index, prompt: prompt, round: round, seed: seedBase + UInt64(index) + 1000 * UInt64(round))
            }
        }
    }
}
