//! European option prices and deltas (Black–Scholes, no dividends) in deterministic fixed
//! point, for the margin engine's option risk.
//!
//! The model: call = S Φ(d₁) − K e^(−rT) Φ(d₂), put = K e^(−rT) Φ(−d₂) − S Φ(−d₁),
//! d₁ = (ln(S/K) + rT) / (σ√T) + σ√T / 2, d₂ = d₁ − σ√T.
//!
//! Everything between the [`Fixed`] inputs and the rounded [`Fixed`] outputs runs in the
//! 2⁻⁹⁶ binary format of [`super::fixed`], 10 digits finer than the outputs:
//! - the out-of-the-money leg (call when S < K e^(−rT), put otherwise) is computed from the
//!   formula, where both terms are tails and nothing cancels; the other leg follows from it by
//!   put–call parity, so `call − put == spot − round(K e^(−rT))` holds exactly (0 ulps);
//! - a degenerate distribution (T = 0 or σ = 0: σ√T = 0) gives the discounted intrinsic value
//!   `max(S − K e^(−rT), 0)`, deltas 1 / 0 (½ exactly at the money);
//! - when |ln(S/K) + rT| ≥ 1024 σ√T the ratio is clamped to ±1024: with σ√T ≤ 400 both d's then
//!   lie beyond ±12 where Φ is exactly 0 or 1 anyway, so the clamp changes no result and
//!   nothing overflows, however deep in or out of the money the option is.
//!
//! Accuracy: [`PRICE_ERROR`]. Speed, measured with a throwaway `#[ignore]` test timing
//! 100 000 calls over the test grid in a `cargo test --release` build (AMD EPYC VM, 2 vCPUs,
//! Rust 1.95): one [`black_scholes`] call 0.82 µs (0.81–0.84 over three runs); of its parts
//! `Fixed::norm_cdf` 0.28 µs (an e^x and a degree-24 Chebyshev series; the price needs two),
//! `Fixed::ln` 0.15 µs, `Fixed::exp` 0.10 µs, `Fixed::sqrt` 0.035 µs.

use super::fixed::{
    exp_wide, ln_ratio, norm_cdf_pair, scale_fixed, sqrt_wide, ErrorBound, Fixed, MathError, Wide,
};

/// Nanoseconds per 365-day year, the unit of [`OptionInputs::expiry_years`].
pub const NS_PER_YEAR: u64 = 31_536_000_000_000_000;

/// The longest expiry accepted, in years. With [`RATE_ABS_MAX`] it bounds |rT| ≤ 16, so the
/// discount factor stays within e^±16 inside the evaluation format.
pub const EXPIRY_YEARS_MAX: Fixed = Fixed::from_int(16);

/// The highest volatility accepted (100 = 10 000 % a year); σ√T ≤ 400 follows.
pub const VOLATILITY_MAX: Fixed = Fixed::from_int(100);

/// The largest |r| accepted (1 = 100 % a year, continuously compounded; r may be negative).
pub const RATE_ABS_MAX: Fixed = Fixed::ONE;

/// Guaranteed accuracy of call and put: `|error| ≤ 2 ulps + 10⁻²² × (S + K e^(−rT))` against
/// the exact Black–Scholes value at the exact [`Fixed`] inputs (use
/// [`ErrorBound::admits_relative_to`] with the magnitudes S and K e^(−rT)).
///
/// Why: each Φ is within 10⁻²³ absolute in the evaluation format (see `norm_tail`), so the two
/// products contribute (S + K e^(−rT)) × 10⁻²³; an error δ in x/(σ√T) shifts d₁ and d₂ alike
/// and cancels to first order because S φ(d₁) = K e^(−rT) φ(d₂); the rest is rounding: ½ ulp
/// per product into [`Fixed`], ½ ulp for K e^(−rT) in the parity leg, and the reference's own
/// ½ ulp. Deltas are within 1 ulp + 10⁻²⁷ / (σ√T) of Φ(d₁), from the rounding of d₁.
pub const PRICE_ERROR: ErrorBound = ErrorBound {
    ulps: 2,
    relative_e30: 100_000_000,
};

/// The inputs of one European option valuation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionInputs {
    /// Price of the underlying, S > 0.
    pub spot: Fixed,
    /// Strike price, K > 0.
    pub strike: Fixed,
    /// Time to expiry T in years, 0 ≤ T ≤ [`EXPIRY_YEARS_MAX`] (see [`years_from_ns`]).
    pub expiry_years: Fixed,
    /// Annualised volatility σ (0.8 = 80 %), 0 ≤ σ ≤ [`VOLATILITY_MAX`].
    pub volatility: Fixed,
    /// Risk-free rate r a year, continuously compounded, |r| ≤ [`RATE_ABS_MAX`].
    pub rate: Fixed,
}

/// Prices and deltas of the call and the put with the same inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionPrices {
    /// Call price, in the unit of S and K.
    pub call: Fixed,
    /// Put price, in the unit of S and K.
    pub put: Fixed,
    /// ∂call/∂S = Φ(d₁) ∈ [0, 1].
    pub call_delta: Fixed,
    /// ∂put/∂S = Φ(d₁) − 1 ∈ [−1, 0]; exactly `call_delta − 1`.
    pub put_delta: Fixed,
}

/// T in years from a duration in nanoseconds (365-day years), rounded to nearest.
pub fn years_from_ns(ns: u64) -> Fixed {
    // ns × 10¹⁸ < 1.9 × 10³⁷ fits a u128; round half up by adding half the divisor.
    let year = u128::from(NS_PER_YEAR);
    let raw = (u128::from(ns) * Fixed::SCALE as u128 + year / 2) / year;
    Fixed::from_raw(raw as i128) // ≤ 585 years: far inside the range
}

/// Black–Scholes prices and deltas of the European call and the put, within [`PRICE_ERROR`].
///
/// [`MathError::Domain`] for inputs outside the documented bounds (S ≤ 0, K ≤ 0, …);
/// [`MathError::Overflow`] only if K e^(−rT) exceeds the range of [`Fixed`].
pub fn black_scholes(inputs: &OptionInputs) -> Result<OptionPrices, MathError> {
    validate(inputs)?;
    let terms = Terms::new(inputs)?;
    let Some(cdf) = terms.cdf else {
        return intrinsic(terms.forward_gap);
    };
    // The out-of-the-money leg from the formula, the other by parity (module documentation).
    let (call, put) = if terms.forward_gap.raw() >= 0 {
        let put = put_direct(inputs, &terms, &cdf)?;
        (put.checked_add(terms.forward_gap)?, put)
    } else {
        let call = call_direct(inputs, &terms, &cdf)?;
        (call, call.checked_sub(terms.forward_gap)?)
    };
    let call_delta = cdf.d1.to_fixed();
    Ok(OptionPrices {
        call,
        put,
        call_delta,
        put_delta: call_delta.checked_sub(Fixed::ONE)?,
    })
}

/// The pieces of the formula shared by both legs.
struct Terms {
    /// e^(−rT), in the evaluation format.
    discount: Wide,
    /// S − K e^(−rT), the discounted strike rounded once: exactly call − put.
    forward_gap: Fixed,
    /// The normal probabilities; `None` for a degenerate distribution (σ√T = 0).
    cdf: Option<Cdf>,
}

/// Φ(d₁), Φ(−d₁), Φ(d₂), Φ(−d₂) in the evaluation format; each pair sums to exactly 1.
#[derive(Clone, Copy)]
struct Cdf {
    d1: Wide,
    minus_d1: Wide,
    d2: Wide,
    minus_d2: Wide,
}

impl Terms {
    /// Evaluates the shared pieces of validated inputs.
    fn new(inputs: &OptionInputs) -> Result<Terms, MathError> {
        let years = Wide::from_fixed(inputs.expiry_years);
        let rate_time = Wide::from_fixed(inputs.rate).mul(years);
        let discount = if rate_time == Wide::ZERO {
            Wide::ONE
        } else {
            exp_wide(-rate_time)
        };
        let forward_gap = inputs
            .spot
            .checked_sub(scale_fixed(inputs.strike, discount)?)?;
        let deviation = Wide::from_fixed(inputs.volatility).mul(sqrt_wide(years)); // σ√T
        let cdf = (deviation != Wide::ZERO).then(|| {
            // ln(S / (K e^(−rT))) = ln(S/K) + rT; S and K share one scale, so their raw
            // values have the same ratio.
            let spot_raw = inputs.spot.raw().unsigned_abs();
            let strike_raw = inputs.strike.raw().unsigned_abs();
            let log_moneyness = ln_ratio(spot_raw, strike_raw) + rate_time;
            let d1 = ratio_clamped(log_moneyness, deviation) + deviation.half();
            let (cdf_d1, cdf_minus_d1) = norm_cdf_pair(d1);
            let (cdf_d2, cdf_minus_d2) = norm_cdf_pair(d1 - deviation);
            Cdf {
                d1: cdf_d1,
                minus_d1: cdf_minus_d1,
                d2: cdf_d2,
                minus_d2: cdf_minus_d2,
            }
        });
        Ok(Terms {
            discount,
            forward_gap,
            cdf,
        })
    }
}

/// S Φ(d₁) − K e^(−rT) Φ(d₂), each product rounded once; free of cancellation when the call
/// is out of the money (both terms are then tails).
fn call_direct(inputs: &OptionInputs, terms: &Terms, cdf: &Cdf) -> Result<Fixed, MathError> {
    let spot_leg = scale_fixed(inputs.spot, cdf.d1)?;
    let strike_leg = scale_fixed(inputs.strike, terms.discount.mul(cdf.d2))?;
    Ok(non_negative(spot_leg.checked_sub(strike_leg)?))
}

/// K e^(−rT) Φ(−d₂) − S Φ(−d₁), the mirror of [`call_direct`].
fn put_direct(inputs: &OptionInputs, terms: &Terms, cdf: &Cdf) -> Result<Fixed, MathError> {
    let strike_leg = scale_fixed(inputs.strike, terms.discount.mul(cdf.minus_d2))?;
    let spot_leg = scale_fixed(inputs.spot, cdf.minus_d1)?;
    Ok(non_negative(strike_leg.checked_sub(spot_leg)?))
}

/// Rejects inputs outside the documented domain, each with its own requirement.
fn validate(inputs: &OptionInputs) -> Result<(), MathError> {
    let domain = |requirement| MathError::Domain {
        function: "black_scholes",
        requirement,
    };
    if inputs.spot <= Fixed::ZERO {
        return Err(domain("spot > 0"));
    }
    if inputs.strike <= Fixed::ZERO {
        return Err(domain("strike > 0"));
    }
    if inputs.expiry_years < Fixed::ZERO || inputs.expiry_years > EXPIRY_YEARS_MAX {
        return Err(domain("0 ≤ expiry_years ≤ 16"));
    }
    if inputs.volatility < Fixed::ZERO || inputs.volatility > VOLATILITY_MAX {
        return Err(domain("0 ≤ volatility ≤ 100"));
    }
    if inputs.rate < -RATE_ABS_MAX || inputs.rate > RATE_ABS_MAX {
        return Err(domain("|rate| ≤ 1"));
    }
    Ok(())
}

/// Prices of a degenerate distribution (σ√T = 0): the discounted intrinsic values, with the
/// delta of the limit σ√T → 0 (a step at the forward; ½ exactly on it).
fn intrinsic(forward_gap: Fixed) -> Result<OptionPrices, MathError> {
    let call = non_negative(forward_gap);
    let call_delta = match forward_gap.raw().signum() {
        1 => Fixed::ONE,
        0 => Fixed::from_raw(Fixed::SCALE / 2),
        _ => Fixed::ZERO,
    };
    Ok(OptionPrices {
        call,
        put: call.checked_sub(forward_gap)?,
        call_delta,
        put_delta: call_delta.checked_sub(Fixed::ONE)?,
    })
}

/// `x / deviation`, clamped to ±1024 (see the module documentation: beyond it every Φ is 0 or
/// 1 already). `deviation` > 0.
fn ratio_clamped(x: Wide, deviation: Wide) -> Wide {
    const CLAMP: i128 = 1024;
    if Wide(x.0.abs()) >= Wide(deviation.0 * CLAMP) {
        Wide(x.0.signum() * (CLAMP << Wide::FRAC_BITS))
    } else {
        x.div(deviation).expect("|x / deviation| < 1024")
    }
}

/// Clamps the rounding residue of a price whose exact value is ≥ 0 (a few ulps at most).
fn non_negative(price: Fixed) -> Fixed {
    price.max(Fixed::ZERO)
}

#[cfg(test)]
mod tests {
    use super::super::fixed::tests::norm_cdf_f64;
    use super::*;
    use proptest::prelude::*;

    /// Allowance of the f64 reference, relative to S + K: f64 loses about 10⁻¹⁶ (S + K) in the
    /// subtraction S Φ(d₁) − K e^(−rT) Φ(d₂) and a little more through d's rounding.
    const F64_PRICE_SLACK: f64 = 1e-13;
    const SCALE: i128 = Fixed::SCALE;
    const DAY_NS: u64 = 86_400_000_000_000;

    fn to_f64(x: Fixed) -> f64 {
        (x.raw() / SCALE) as f64 + (x.raw() % SCALE) as f64 / 1e18
    }

    fn percent(value: i128) -> Fixed {
        Fixed::from_ratio(value, 100).unwrap()
    }

    fn inputs(
        spot: Fixed,
        strike: Fixed,
        expiry_years: Fixed,
        volatility: Fixed,
        rate: Fixed,
    ) -> OptionInputs {
        OptionInputs {
            spot,
            strike,
            expiry_years,
            volatility,
            rate,
        }
    }

    /// (call, put, call delta) of the textbook formula in f64.
    fn black_scholes_f64(option: &OptionInputs) -> (f64, f64, f64) {
        let [s, k, t, sigma, r] = [
            option.spot,
            option.strike,
            option.expiry_years,
            option.volatility,
            option.rate,
        ]
        .map(to_f64);
        let discounted = k * (-r * t).exp();
        let deviation = sigma * t.sqrt();
        if deviation == 0.0 {
            let delta = if s > discounted { 1.0 } else { 0.0 };
            return ((s - discounted).max(0.0), (discounted - s).max(0.0), delta);
        }
        let d1 = ((s / k).ln() + r * t) / deviation + deviation / 2.0;
        let d2 = d1 - deviation;
        let call = s * norm_cdf_f64(d1) - discounted * norm_cdf_f64(d2);
        let put = discounted * norm_cdf_f64(-d2) - s * norm_cdf_f64(-d1);
        (call, put, norm_cdf_f64(d1))
    }

    /// Compares with the f64 formula; returns the price error relative to S + K.
    fn check_against_f64(option: &OptionInputs) -> f64 {
        let prices = black_scholes(option).unwrap();
        let (call, put, delta) = black_scholes_f64(option);
        let scale = to_f64(option.spot) + to_f64(option.strike);
        let call_error = (to_f64(prices.call) - call).abs() / scale;
        let put_error = (to_f64(prices.put) - put).abs() / scale;
        assert!(
            call_error.max(put_error) <= F64_PRICE_SLACK,
            "{option:?}: {prices:?} vs f64 call {call} put {put}"
        );
        assert!(
            (to_f64(prices.call_delta) - delta).abs() <= 1e-12,
            "{option:?}: delta {prices:?} vs {delta}"
        );
        call_error.max(put_error)
    }

    /// The grid of the specification: S/K from 0.5 to 2 (K = 100), T from one day to two years,
    /// σ from 5 % to 300 %, r 0 and 5 %.
    fn grid() -> Vec<OptionInputs> {
        let mut options = Vec::new();
        for spot in (50..=200).step_by(5) {
            for days in [1, 7, 30, 91, 182, 365, 730] {
                for volatility in [5, 10, 20, 40, 80, 150, 300] {
                    for rate in [0, 5] {
                        options.push(inputs(
                            Fixed::from_int(spot),
                            Fixed::from_int(100),
                            years_from_ns(days * DAY_NS),
                            percent(volatility),
                            percent(rate),
                        ));
                    }
                }
            }
        }
        options
    }

    #[test]
    fn prices_match_an_f64_black_scholes_over_the_grid() {
        // Proves agreement with the textbook formula in f64 on 3 038 grid points to f64's own
        // accuracy, and reports the worst difference.
        let worst = grid().iter().map(check_against_f64).fold(0.0, f64::max);
        println!("black_scholes vs f64 over the grid: max |error| = {worst:.2e} × (S + K)");
    }

    #[test]
    fn prices_match_mpmath_references_within_the_bound() {
        // Proves PRICE_ERROR: each row holds S, K, T, σ, r and the call, put and Φ(d₁) of the
        // exact formula at those exact inputs, all in raw units, computed by mpmath 1.3 at 80
        // digits and rounded to the nearest Fixed (ties away from zero):
        //     s, k, t, sigma, r = (mp.mpf(v) / 10**18 for v in row)
        //     d1 = (mp.log(s / k) + r * t) / (sigma * mp.sqrt(t)) + sigma * mp.sqrt(t) / 2
        //     call = s * mp.ncdf(d1) - k * mp.exp(-r * t) * mp.ncdf(d1 - sigma * mp.sqrt(t))
        // (put likewise). Rows: a small grid (S = 50, 100, 200, K = 100, T = 1 and 730 days,
        // σ = 5 % and 300 %, r = 5 %), seeded random inputs (random.seed(7): K from 10⁻⁶ to
        // 10⁵, S/K from 0.3 to 3, T up to 3 years, σ from 1 % to 300 %, |r| ≤ 10 %) and edge
        // cases: the textbook value, 1 ns and 1 000 ns to expiry, S and K apart by 1 ulp, deep
        // in and out of the money (S/K = 10⁹, 10³, 10⁻³), S = K = 10⁻⁶, S = K = 10²⁰ with
        // T = 16, σ = 100, r = 1, and T = 16 with r = −1.
        let (mut worst_ulps, mut worst_relative, mut worst_delta) = (0u128, 0f64, 0u128);
        for [spot, strike, years, volatility, rate, call, put, delta] in BLACK_SCHOLES_REFERENCES {
            let option = inputs(
                Fixed::from_raw(spot),
                Fixed::from_raw(strike),
                Fixed::from_raw(years),
                Fixed::from_raw(volatility),
                Fixed::from_raw(rate),
            );
            let prices = black_scholes(&option).unwrap();
            // The relative part of PRICE_ERROR is of S + K e^(−rT), K e^(−rT) = S − gap.
            let strike_discounted = option.spot - Terms::new(&option).unwrap().forward_gap;
            let magnitudes = [option.spot, strike_discounted];
            let magnitude = to_f64(option.spot) + to_f64(strike_discounted);
            for (computed, expected) in [(prices.call, call), (prices.put, put)] {
                assert!(
                    PRICE_ERROR.admits_relative_to(
                        computed,
                        Fixed::from_raw(expected),
                        &magnitudes
                    ),
                    "{option:?}: {prices:?}, reference call {call} put {put}"
                );
                let error = computed.raw().abs_diff(expected);
                if magnitude > 1e6 {
                    worst_relative = worst_relative.max(error as f64 * 1e-18 / magnitude);
                } else {
                    worst_ulps = worst_ulps.max(error);
                }
            }
            worst_delta = worst_delta.max(prices.call_delta.raw().abs_diff(delta));
        }
        println!(
            "black_scholes vs mpmath: max price error {worst_ulps} ulp (S + K e^-rT ≤ 10^6), \
             {worst_relative:.1e} × (S + K e^-rT) above; max delta error {worst_delta} ulp; {} options",
            BLACK_SCHOLES_REFERENCES.len()
        );
    }

    #[test]
    fn textbook_values() {
        // Hull's examples: S = K = 100, T = 1, r = 5 %, σ = 20 % → call 10.4506, put 5.5735;
        // S = 42, K = 40, T = ½, r = 10 %, σ = 20 % → call 4.76, put 0.81. Checked against the
        // printed digits and, to 1 ulp, against the exact values (mpmath, rounded to the
        // nearest Fixed): the in-the-money leg adds the put's and K e^(−rT)'s roundings.
        let cases = [
            (
                100,
                100,
                100,
                5,
                [
                    10_450_583_572_185_566_782,
                    5_573_526_022_256_967_691,
                    636_830_651_175_619_071,
                ],
                (10.4506, 5.5735),
            ),
            (
                42,
                40,
                50,
                10,
                [
                    4_759_422_392_871_533_220,
                    808_599_372_900_093_583,
                    779_131_290_942_668_940,
                ],
                (4.76, 0.81),
            ),
        ];
        for (spot, strike, years_percent, rate_percent, exact, (call_printed, put_printed)) in cases
        {
            let option = inputs(
                Fixed::from_int(spot),
                Fixed::from_int(strike),
                percent(years_percent),
                percent(20),
                percent(rate_percent),
            );
            let prices = black_scholes(&option).unwrap();
            let computed = [prices.call, prices.put, prices.call_delta];
            for (value, expected) in computed.into_iter().zip(exact) {
                assert!(
                    value.raw().abs_diff(expected) <= 1,
                    "{option:?}: {value} vs {expected}"
                );
            }
            let decimals = if spot == 100 { 1e-4 } else { 1e-2 };
            assert!((to_f64(prices.call) - call_printed).abs() <= decimals / 2.0);
            assert!((to_f64(prices.put) - put_printed).abs() <= decimals / 2.0);
        }
    }

    #[test]
    fn put_call_parity_holds_exactly_and_both_legs_agree() {
        // Parity: call − put = S − K e^(−rT) to the ulp, by construction (the in-the-money
        // leg comes from the other). The formula for the in-the-money leg, evaluated directly,
        // must agree with the parity value within 2 ulps + 10⁻²² (S + K) — that checks the
        // construction hides no error.
        let mut worst = 0;
        for option in grid() {
            let prices = black_scholes(&option).unwrap();
            let terms = Terms::new(&option).unwrap();
            assert_eq!(prices.call - prices.put, terms.forward_gap, "{option:?}");
            assert_eq!(prices.call_delta - prices.put_delta, Fixed::ONE);
            let cdf = terms.cdf.unwrap();
            let (parity, direct) = if terms.forward_gap >= Fixed::ZERO {
                (prices.call, call_direct(&option, &terms, &cdf).unwrap())
            } else {
                (prices.put, put_direct(&option, &terms, &cdf).unwrap())
            };
            let allowed = 2 + (option.spot + option.strike).raw() / 10_000_000_000_000_000_000_000;
            assert!(
                parity.raw().abs_diff(direct.raw()) <= allowed.unsigned_abs(),
                "{option:?}"
            );
            worst = worst.max(parity.raw().abs_diff(direct.raw()));
        }
        println!("in-the-money leg: parity vs direct formula differ by ≤ {worst} ulp");
    }

    #[test]
    fn prices_are_monotonic_in_spot_and_volatility() {
        // Exactly (no tolerance), on fine steps: the call never falls and the put never rises
        // as S grows (0.5 steps from 50 to 200, K = 100); both never fall as σ grows (1 %
        // steps from 1 % to 300 %).
        for days in [1, 30, 365, 730] {
            let years = years_from_ns(days * DAY_NS);
            let mut previous: Option<OptionPrices> = None;
            for half_units in 100..=400 {
                let spot = Fixed::from_ratio(half_units, 2).unwrap();
                let prices = black_scholes(&inputs(
                    spot,
                    Fixed::from_int(100),
                    years,
                    percent(40),
                    percent(5),
                ))
                .unwrap();
                if let Some(previous) = previous {
                    assert!(
                        prices.call >= previous.call && prices.put <= previous.put,
                        "S = {spot}, {days} days"
                    );
                    assert!(prices.call_delta >= previous.call_delta);
                }
                previous = Some(prices);
            }
            for spot in [60, 100, 150] {
                let mut previous: Option<OptionPrices> = None;
                for volatility in 1..=300 {
                    let option = inputs(
                        Fixed::from_int(spot),
                        Fixed::from_int(100),
                        years,
                        percent(volatility),
                        percent(5),
                    );
                    let prices = black_scholes(&option).unwrap();
                    if let Some(previous) = previous {
                        assert!(
                            prices.call >= previous.call && prices.put >= previous.put,
                            "{option:?}"
                        );
                    }
                    previous = Some(prices);
                }
            }
        }
    }

    #[test]
    fn degenerate_distributions_give_discounted_intrinsic_values() {
        // T = 0: intrinsic value whatever σ and r; σ = 0: discounted intrinsic value with
        // K e^(−rT) rounded once (100 e^−0.05 = 95.122942450071400909 by mpmath). Deltas are
        // the step of the limit, ½ exactly at the money.
        let hundred = Fixed::from_int(100);
        for (spot, call, put, delta) in
            [(120, 20, 0, SCALE), (80, 0, 20, 0), (100, 0, 0, SCALE / 2)]
        {
            let option = inputs(
                Fixed::from_int(spot),
                hundred,
                Fixed::ZERO,
                percent(80),
                percent(5),
            );
            let prices = black_scholes(&option).unwrap();
            assert_eq!(prices.call, Fixed::from_int(call));
            assert_eq!(prices.put, Fixed::from_int(put));
            assert_eq!(prices.call_delta, Fixed::from_raw(delta));
            assert_eq!(prices.put_delta, Fixed::from_raw(delta - SCALE));
        }
        let discounted = Fixed::from_raw(95_122_942_450_071_400_909);
        for spot in [Fixed::from_int(120), Fixed::from_int(80), discounted] {
            let prices =
                black_scholes(&inputs(spot, hundred, Fixed::ONE, Fixed::ZERO, percent(5))).unwrap();
            assert_eq!(prices.call, (spot - discounted).max(Fixed::ZERO));
            assert_eq!(prices.put, (discounted - spot).max(Fixed::ZERO));
        }
        let at_the_forward = black_scholes(&inputs(
            discounted,
            hundred,
            Fixed::ONE,
            Fixed::ZERO,
            percent(5),
        ))
        .unwrap();
        assert_eq!(at_the_forward.call_delta, Fixed::from_raw(SCALE / 2));
    }

    #[test]
    fn extreme_moneyness_neither_overflows_nor_loses_the_intrinsic_value() {
        // Moneyness 10¹⁸ and 10³⁸ both ways, σ from 1 ulp (the clamp of x/σ√T) to 100: no
        // overflow, exact parity, prices within their no-arbitrage bounds; and at 300 % over
        // a year, 10¹⁸ in the money, the put is exactly 0 and the call exactly S − K.
        let tiny = Fixed::from_raw(1_000_000_000_000); // 10⁻⁶
        let huge = Fixed::from_int(1_000_000_000_000); // 10¹²
        for (spot, strike) in [
            (tiny, huge),
            (huge, tiny),
            (Fixed::MAX, Fixed::EPSILON),
            (Fixed::EPSILON, Fixed::MAX),
        ] {
            for volatility in [Fixed::EPSILON, percent(1), Fixed::from_int(100)] {
                let option = inputs(spot, strike, percent(200), volatility, Fixed::ZERO);
                let prices = black_scholes(&option).unwrap();
                assert_eq!(prices.call - prices.put, spot - strike, "{option:?}");
                assert!(
                    prices.call >= Fixed::ZERO
                        && prices.put >= Fixed::ZERO
                        && prices.call <= spot
                        && prices.put <= strike
                );
            }
        }
        let deep =
            black_scholes(&inputs(huge, tiny, Fixed::ONE, percent(300), Fixed::ZERO)).unwrap();
        assert_eq!(
            (deep.put, deep.call, deep.call_delta),
            (Fixed::ZERO, huge - tiny, Fixed::ONE)
        );
    }

    #[test]
    fn invalid_inputs_are_rejected_with_their_reason() {
        // Each bound of the domain has its own requirement text; a discounted strike beyond
        // the range (10²⁰ × e¹⁶) is an Overflow error, not a panic.
        let valid = inputs(
            Fixed::from_int(100),
            Fixed::from_int(100),
            Fixed::ONE,
            percent(20),
            percent(5),
        );
        let rejects = |change: fn(&mut OptionInputs), requirement: &'static str| {
            let mut option = valid;
            change(&mut option);
            let expected = MathError::Domain {
                function: "black_scholes",
                requirement,
            };
            assert_eq!(black_scholes(&option), Err(expected), "{option:?}");
        };
        rejects(|o| o.spot = Fixed::ZERO, "spot > 0");
        rejects(|o| o.strike = Fixed::from_int(-1), "strike > 0");
        rejects(
            |o| o.expiry_years = -Fixed::EPSILON,
            "0 ≤ expiry_years ≤ 16",
        );
        rejects(
            |o| o.expiry_years = Fixed::from_int(17),
            "0 ≤ expiry_years ≤ 16",
        );
        rejects(|o| o.volatility = -Fixed::EPSILON, "0 ≤ volatility ≤ 100");
        rejects(
            |o| o.volatility = Fixed::from_int(101),
            "0 ≤ volatility ≤ 100",
        );
        rejects(|o| o.rate = percent(-101), "|rate| ≤ 1");
        let overflowing = OptionInputs {
            strike: Fixed::from_int(100_000_000_000_000_000),
            rate: -Fixed::ONE,
            expiry_years: Fixed::from_int(16),
            ..valid
        };
        let result = black_scholes(&overflowing);
        assert!(
            matches!(result, Err(MathError::Overflow { .. })),
            "{result:?}"
        );
    }

    #[test]
    fn years_from_ns_uses_365_day_years() {
        assert_eq!(years_from_ns(0), Fixed::ZERO);
        assert_eq!(years_from_ns(NS_PER_YEAR), Fixed::ONE);
        assert_eq!(
            years_from_ns(DAY_NS),
            Fixed::from_raw(2_739_726_027_397_260)
        ); // 1/365
        assert_eq!(years_from_ns(1), Fixed::from_raw(32)); // 31.7 raw, rounded
        let longest = Fixed::from_raw(584_942_417_355_072_032_439); // 584.9 years
        assert_eq!(years_from_ns(u64::MAX), longest);
    }

    #[test]
    fn results_are_bit_identical_to_the_recorded_digest() {
        // Determinism: every price and delta of the grid and of the reference rows (the
        // extremes) folded into one order-sensitive FNV-style digest, compared with the value
        // recorded when the code was written.
        let references =
            BLACK_SCHOLES_REFERENCES.map(|[spot, strike, years, volatility, rate, ..]| {
                inputs(
                    Fixed::from_raw(spot),
                    Fixed::from_raw(strike),
                    Fixed::from_raw(years),
                    Fixed::from_raw(volatility),
                    Fixed::from_raw(rate),
                )
            });
        let mut digest: u128 = 0xcbf2_9ce4_8422_2325;
        for option in grid().iter().chain(&references) {
            let prices = black_scholes(option).unwrap();
            for value in [prices.call, prices.put, prices.call_delta] {
                digest =
                    (digest ^ value.raw() as u128).wrapping_mul(0x0100_0000_0000_0000_0000_013b);
            }
        }
        assert_eq!(digest, DIGEST_RECORDED, "digest {digest:#x}");
    }

    /// Recorded by the first run of the test above (x86-64, Rust 1.95).
    const DIGEST_RECORDED: u128 = 0xc25a_def9_6fec_389c_b99a_6090_9eb0_99bb;

    proptest! {
        #[test]
        fn random_inputs_match_f64_and_stay_within_no_arbitrage_bounds(
            strike_raw in 1_000_000_000_000i128..100_000_000_000_000_000_000_000,
            moneyness_e9 in 300_000_000i128..3_000_000_000,
            years_raw in 0i128..3 * SCALE,
            volatility_raw in 0i128..3 * SCALE,
            rate_raw in -SCALE / 10..SCALE / 10,
        ) {
            // Random options over the useful domain: agreement with f64, exact parity,
            // 0 ≤ put ≤ K e^(−rT), max(S − K e^(−rT), 0) ≤ call ≤ S, 0 ≤ Φ(d₁) ≤ 1.
            let spot = Fixed::from_raw(strike_raw / 1_000_000_000 * moneyness_e9);
            prop_assume!(spot > Fixed::ZERO);
            let option = inputs(spot, Fixed::from_raw(strike_raw), Fixed::from_raw(years_raw), Fixed::from_raw(volatility_raw), Fixed::from_raw(rate_raw));
            check_against_f64(&option);
            let prices = black_scholes(&option).unwrap();
            let gap = Terms::new(&option).unwrap().forward_gap;
            prop_assert_eq!(prices.call - prices.put, gap);
            prop_assert!(prices.put >= Fixed::ZERO && prices.put <= spot - gap);
            prop_assert!(prices.call >= gap.max(Fixed::ZERO) && prices.call <= spot);
            prop_assert!(prices.call_delta >= Fixed::ZERO && prices.call_delta <= Fixed::ONE);
        }
    }

    // mpmath references, see prices_match_mpmath_references_within_the_bound.
    const BLACK_SCHOLES_REFERENCES: [[i128; 8]; 58] = [
        [
            50000000000000000000,
            100000000000000000000,
            2739726027397260,
            50000000000000000,
            50000000000000000,
            0,
            49986302308082510288,
            0,
        ],
        [
            50000000000000000000,
            100000000000000000000,
            2739726027397260,
            3000000000000000000,
            50000000000000000,
            11706537291804,
            49986314014619802091,
            7294630641122,
        ],
        [
            50000000000000000000,
            100000000000000000000,
            2000000000000000000,
            50000000000000000,
            50000000000000000,
            14,
            40483741803595957330,
            33,
        ],
        [
            50000000000000000000,
            100000000000000000000,
            2000000000000000000,
            3000000000000000000,
            50000000000000000,
            47737100104900201968,
            88220841908496159285,
            976233181430279786,
        ],
        [
            100000000000000000000,
            100000000000000000000,
            2739726027397260,
            50000000000000000,
            50000000000000000,
            111392614121369876,
            97694922203880163,
            521393369470359092,
        ],
        [
            100000000000000000000,
            100000000000000000000,
            2739726027397260,
            3000000000000000000,
            50000000000000000,
            6264470456288708931,
            6250772764371219219,
            531637182787251008,
        ],
        [
            100000000000000000000,
            100000000000000000000,
            2000000000000000000,
            50000000000000000,
            50000000000000000,
            9755170148707664741,
            238911952303622057,
            926410613284186207,
        ],
        [
            100000000000000000000,
            100000000000000000000,
            2000000000000000000,
            3000000000000000000,
            50000000000000000,
            96776505249851234250,
            87260247053447191567,
            984019201292804220,
        ],
        [
            200000000000000000000,
            100000000000000000000,
            2739726027397260,
            50000000000000000,
            50000000000000000,
            100013697691917489712,
            0,
            1000000000000000000,
        ],
        [
            200000000000000000000,
            100000000000000000000,
            2739726027397260,
            3000000000000000000,
            50000000000000000,
            100013720909137168602,
            23217219678890,
            999996498084661264,
        ],
        [
            200000000000000000000,
            100000000000000000000,
            2000000000000000000,
            50000000000000000,
            50000000000000000,
            109516258196404042684,
            0,
            1000000000000000000,
        ],
        [
            200000000000000000000,
            100000000000000000000,
            2000000000000000000,
            3000000000000000000,
            50000000000000000,
            195500711554019652750,
            85984453357615610067,
            989507852623023623,
        ],
        [
            45501622415425218872444,
            22799213961752624219192,
            222681842206352465,
            444098205243707435,
            67977207604300280,
            23045577688778797085906,
            649873493440202841,
            999744006499975771,
        ],
        [
            93714061519196461705484,
            76681449449388918051957,
            396361666957758681,
            1938478689004316506,
            -30633614989849713,
            47717008565417709627179,
            31621137382984286641235,
            777750640066300825,
        ],
        [
            35530973390585965494702,
            64149494172953494816729,
            2607694907760743600,
            2918248723608186969,
            68037415580038837,
            34726895056908084012217,
            52916459522425886253840,
            988351358900877328,
        ],
        [
            245454551387449428757747,
            87198900390796351118761,
            228690341447653909,
            1029559973940353740,
            60447729131902896,
            159868265801304350314420,
            415487113120488864266,
            991255099893015187,
        ],
        [
            91900328150325429524196,
            43758133585614736041675,
            2493473548126774949,
            2642874695949001152,
            61483165267438136,
            89769335571194610528780,
            35407649572756963269012,
            989309433028731754,
        ],
        [
            20283770433990345852112,
            27313761959322542323759,
            2634215294673076114,
            876402181745464647,
            -71917548009197053,
            8239444343085434300652,
            20966546550042338118253,
            643871865873567071,
        ],
        [
            25863195512879807588998,
            9494762579936874990377,
            2854677896470070709,
            2299307768260769247,
            53257926535852372,
            25130957192220043943795,
            7423372327716390185904,
            987438665153613110,
        ],
        [
            109186845542218087334275,
            47477809843015209697406,
            1667504312835892273,
            1155665403460880301,
            -48185760237325273,
            76851999451182972744112,
            19115253795125154629726,
            894418836325017906,
        ],
        [
            24035844824530485623366,
            36889426721931330477204,
            1384654667938361008,
            2293321169336813345,
            -999870492114233,
            18795996149568064738401,
            31700685919359663870245,
            882983839230636348,
        ],
        [
            126839093569818102286445,
            43505702056324703059232,
            337579430038519097,
            2370873493676527376,
            -52452910646159128,
            94091915214892005234585,
            11535740993209782026486,
            926844249156798664,
        ],
        [
            55135864461305779663972,
            22972506188726041906431,
            180811549377850474,
            2652615709437136250,
            -9568433570735414,
            36728434217350405735072,
            4604854694418065457263,
            909654627947669693,
        ],
        [
            150964677935586247372894,
            52918087940094037545538,
            2674294606264669260,
            2113875757544643805,
            36649539642375553,
            144093801525056575817204,
            41106690290547332443445,
            980302758679700736,
        ],
        [
            5508146972494341434893,
            9825919294079591934277,
            2984355072017853900,
            1322465226441261936,
            11196813745515346,
            3704752678245865004675,
            7699614392301595874168,
            816890309094650509,
        ],
        [
            20813002560589549054928,
            52437981124091618927240,
            2129193705608730678,
            784986344253338153,
            -66249435694548680,
            3489091148581302842719,
            43057967436254974620042,
            360486044892791779,
        ],
        [
            50585789941727131657207,
            32965419177776517724682,
            1834979165726814084,
            2299733033010758320,
            -52048184442684953,
            45494307615839917974404,
            31177628674636064056772,
            951986123236497552,
        ],
        [
            123998792541307419215232,
            83036204105592870208002,
            631460385008218458,
            1995430669970133721,
            58589991783372297,
            82102743415165042867229,
            38124178494005962872794,
            857476525496159882,
        ],
        [
            115551836233535136662027,
            62768854059130274163277,
            695999859329763328,
            822660847015787562,
            -33142987937448515,
            57531866129997305371492,
            6213634562607441616003,
            884683221525912637,
        ],
        [
            4318016166547388632587,
            1812085211286478625929,
            2716852652658035759,
            1221704905999189455,
            -98820098258461508,
            3336660010717356272312,
            1388804828459665233272,
            904008641833950705,
        ],
        [
            152356942261283044937128,
            80786020498652538084430,
            2611787911877405432,
            2387284627027241138,
            78008990997930106,
            147066474612423043165105,
            60604428970264074760017,
            984075349248178091,
        ],
        [
            121105262700308976180427,
            60143623794529060093640,
            477480565485145262,
            2935144318606120028,
            -82058287797147514,
            94825128731258049295038,
            36266765658816561582767,
            909856640344057092,
        ],
        [
            18935809260298509271684,
            24523851006083585184010,
            2770365516400673174,
            482142559619422301,
            63364252244986312,
            5370419084457377296452,
            7010170881071020476766,
            617057085525587318,
        ],
        [
            28556771199824984145331,
            15339143193923069828223,
            117602108485526177,
            2841893383364764444,
            -57183237482049206,
            16191556967867044365938,
            3077430321583415784247,
            868235042355749530,
        ],
        [
            128593773404902589237949,
            55037747662951162287473,
            531974168773826220,
            2260816617712971302,
            38464460519708119,
            96587519915644824952418,
            21916750205307359671506,
            911738830986641212,
        ],
        [
            11922674446998199306167,
            12973813744766111819403,
            2207254097655438235,
            2391172681829780078,
            -40850805516953101,
            10938745164264152011178,
            13214070673290224724341,
            957924928854466075,
        ],
        [
            147994345911211078517985,
            79836623294692521990739,
            1374696030149422630,
            2974931686589992619,
            -73767993905455470,
            138785228810889870370090,
            79148367107839075993932,
            970747034293203197,
        ],
        [
            99728896316005023049039,
            39473181330127634498503,
            1640359040259408967,
            1037450227417528598,
            56096096124795300,
            72660159029434937013217,
            8934316031284766749691,
            923806545603614872,
        ],
        [
            62665718205602269780703,
            49815482123355124216864,
            1045651336880113406,
            2397187276886954801,
            2483926163321706,
            50403821939190926810875,
            37424366957482761803197,
            906636903448524853,
        ],
        [
            98300641747405234305697,
            42220725474902409998940,
            893029671679639635,
            2800711190312525348,
            -767778699858936,
            86701200870121989559422,
            30650243129148427257865,
            949745765574095606,
        ],
        [
            98588361777576251845531,
            52831254369231807183333,
            1016703009387586972,
            1056141741824407689,
            -43303307232597642,
            56842488144754926750258,
            13463323668232782992022,
            859245615488160354,
        ],
        [
            217337912570183697762828,
            72923749347518416881325,
            2211180890635964469,
            400971743300509439,
            90400851618794317,
            157978491615180650024497,
            351905792390108595004,
            993147373921651857,
        ],
        [
            67877884222813005689447,
            58714322069550091669769,
            2001126191409633664,
            2942304678949799839,
            -74996056184203015,
            65331207916050937694979,
            65674857290773701909189,
            981232462732492118,
        ],
        [
            141664387417421247558465,
            69994248948135400214906,
            784003498397846098,
            595861087065054351,
            -56433780071370487,
            71143466825846676617489,
            2639704071038014163946,
            935274733816041915,
        ],
        [
            65258420219650002284402,
            70335679984992596035974,
            1615969440417832683,
            2540247865619046511,
            -62246474904080033,
            57685737494326053388774,
            70206016917351635892049,
            940648358086884838,
        ],
        [
            72796077346525486847053,
            98186971123849549140523,
            642180636479719692,
            908381529978932089,
            -91931357567197444,
            12274321741403332006032,
            43636357956264238051092,
            449008460190015825,
        ],
        [
            108540773673227051667288,
            44257664128219325746954,
            1503360327031504654,
            2520384037456362289,
            -82445467370910853,
            99707735533104979975329,
            41264596884695522040588,
            963699403201732869,
        ],
        [
            121263787691272319460622,
            53472313479355116023997,
            2690221380797461330,
            1949805514553258036,
            44590464338602828,
            113175333710922145288630,
            39339215103886077756871,
            970792282441630770,
        ],
        [
            100000000000000000000,
            100000000000000000000,
            1000000000000000000,
            200000000000000000,
            50000000000000000,
            10450583572185566782,
            5573526022256967691,
            636830651175619071,
        ],
        [
            100000000000000000000,
            100000000000000000000,
            32,
            50000000000000000,
            0,
            11283791671,
            11283791671,
            500000000056418958,
        ],
        [
            100000000000000000000,
            100000000000000000001,
            32,
            50000000000000000,
            0,
            11283791670,
            11283791671,
            500000000042314219,
        ],
        [
            100000000000000000000,
            100000000000000000000,
            31710,
            50000000000000000,
            0,
            355204280853,
            355204280853,
            500000001776021404,
        ],
        [
            1000000000000000000000000000000000,
            1000000000000000000000000,
            1000000000000000000,
            500000000000000000,
            0,
            999999999000000000000000000000000,
            0,
            1000000000000000000,
        ],
        [
            1000000000000000000000,
            1000000000000000000,
            2000000000000000000,
            3000000000000000000,
            100000000000000000,
            999658286116965826265,
            477016870043808123,
            999926663050329600,
        ],
        [
            1000000000000000000,
            1000000000000000000000,
            2000000000000000000,
            3000000000000000000,
            100000000000000000,
            618056494065103333,
            818348809572046962003,
            705500529252046620,
        ],
        [
            1000000000000,
            1000000000000,
            500000000000000000,
            500000000000000000,
            0,
            140316204801,
            140316204801,
            570158102400666909,
        ],
        [
            100000000000000000000000000000000000000,
            100000000000000000000000000000000000000,
            16000000000000000000,
            100000000000000000000,
            1000000000000000000,
            100000000000000000000000000000000000000,
            11253517471925911451377517906013,
            1000000000000000000,
        ],
        [
            100000000000000000000,
            100000000000000000000,
            16000000000000000000,
            10000000000000000,
            -1000000000000000000,
            0,
            888610952050787263676302374,
            0,
        ],
    ];
}
