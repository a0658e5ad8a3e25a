using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Text.RegularExpressions;

namespace NetNsPS.Linux;

/// <summary>
/// What a netem qdisc does to a link's outgoing packets: a delay (with jitter), random loss and duplication, a rate limit.
/// Null: not set. Times are whole microseconds, shares are percentages (0 to 100], rates bits per second.
/// </summary>
public sealed record NetemSettings(long? DelayMicroseconds, long? JitterMicroseconds, double? LossPercent, double? DuplicatePercent, long? RateBitsPerSecond)
{
    /// <summary>Options of the live qdisc NetNsPS does not set (reorder, corrupt, slot, a loss model, ecn, gap): set means it is not ours as is.</summary>
    public bool HasOtherOptions { get; init; }

    public bool IsEmpty => DelayMicroseconds is null && LossPercent is null && DuplicatePercent is null && RateBitsPerSecond is null;

    /// <summary>
    /// The same settings as the kernel keeps them: times to the microsecond, shares to 1/2^32, rates in whole bytes per
    /// second (what tc sends), so what was read back compares equal to what was asked.
    /// </summary>
    public bool SameAs(NetemSettings other) =>
        !HasOtherOptions && !other.HasOtherOptions
        && CloseTime(DelayMicroseconds, other.DelayMicroseconds) && CloseTime(JitterMicroseconds, other.JitterMicroseconds)
        && ClosePercent(LossPercent, other.LossPercent) && ClosePercent(DuplicatePercent, other.DuplicatePercent)
        && RateBitsPerSecond / 8 == other.RateBitsPerSecond / 8;

    /// <summary>The netem arguments of `tc qdisc replace ... root netem ARGS`, in tc-netem(8)'s order.</summary>
    public IReadOnlyList<string> Arguments()
    {
        var args = new List<string>();
        if (DelayMicroseconds is { } delay)
        {
            args.Add("delay");
            args.Add(Netem.FormatTime(delay));
            if (JitterMicroseconds is { } jitter)
            {
                args.Add(Netem.FormatTime(jitter));
            }
        }
        if (LossPercent is { } loss)
        {
            args.Add("loss");
            args.Add(Netem.FormatPercent(loss));
        }
        if (DuplicatePercent is { } duplicate)
        {
            args.Add("duplicate");
            args.Add(Netem.FormatPercent(duplicate));
        }
        if (RateBitsPerSecond is { } rate)
        {
            args.Add("rate");
            args.Add(Netem.FormatRate(rate));
        }
        return args;
    }

    public override string ToString() => string.Join(' ', Arguments());

    // tc rounds a time to the kernel's clock ticks (64 per microsecond, or 1/1000 of one on older kernels).
    private static bool CloseTime(long? a, long? b) => a is null ? b is null or 0 : b is not null && Math.Abs(a.Value - b.Value) <= 1;

    private static bool ClosePercent(double? a, double? b) => a is null ? b is null or 0 : b is not null && Math.Abs(a.Value - b.Value) < 1e-5;
}

/// <summary>Parses and prints netem's values as tc-netem(8) writes them, with errors that name the bad value.</summary>
public static class Netem
{
    /// <summary>The longest delay or jitter accepted: a minute, well inside netem's 32-bit tick counter (a little over 4 minutes).</summary>
    public const long MaxTimeMicroseconds = 60_000_000;

    private static readonly Regex TimePattern = new(@"^\s*(\d+(?:\.\d+)?)\s*(us|usec|ms|msec|s|sec)\s*\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex PercentPattern = new(@"^\s*(\d+(?:\.\d+)?)\s*%?\s*\z", RegexOptions.CultureInvariant);
    private static readonly Regex RatePattern = new(@"^\s*(\d+(?:\.\d+)?)\s*(bit|kbit|mbit|gbit)\s*\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>A time such as 20ms, 1.5ms, 500us or 1s, as whole microseconds (more than zero, at most a minute).</summary>
    public static long ParseTime(string? text, string parameterName)
    {
        var m = TimePattern.Match(text ?? "");
        if (!m.Success)
        {
            throw Bad(parameterName, text, "a time with its unit: us, ms or s (for example 20ms, 1.5ms, 500us)");
        }
        var factor = char.ToLowerInvariant(m.Groups[2].Value[0]) switch { 'u' => 1m, 'm' => 1000m, _ => 1_000_000m };
        var micro = decimal.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * factor;
        if (micro != decimal.Truncate(micro))
        {
            throw Bad(parameterName, text, "a whole number of microseconds (netem's resolution)");
        }
        if (micro <= 0 || micro > MaxTimeMicroseconds)
        {
            throw Bad(parameterName, text, "more than 0 and at most 60s");
        }
        return (long)micro;
    }

    /// <summary>A share such as 1%, 0.5% or 1 (percent), more than 0 and at most 100.</summary>
    public static double ParsePercent(string? text, string parameterName)
    {
        var m = PercentPattern.Match(text ?? "");
        if (!m.Success)
        {
            throw Bad(parameterName, text, "a percentage such as 1% or 0.5%");
        }
        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        if (value <= 0 || value > 100)
        {
            throw Bad(parameterName, text, "a percentage more than 0% and at most 100%");
        }
        return value;
    }

    /// <summary>A rate such as 100mbit, 1.5mbit, 512kbit or 1gbit (tc's decimal units: kbit = 1000 bit), as bits per second.</summary>
    public static long ParseRate(string? text, string parameterName)
    {
        var m = RatePattern.Match(text ?? "");
        if (!m.Success)
        {
            throw Bad(parameterName, text, "a rate with its unit: bit, kbit, mbit or gbit (for example 100mbit); tc reads a bare number or bps as bytes");
        }
        var factor = char.ToLowerInvariant(m.Groups[2].Value[0]) switch { 'k' => 1e3m, 'm' => 1e6m, 'g' => 1e9m, _ => 1m };
        var bits = decimal.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * factor;
        if (bits != decimal.Truncate(bits) || bits < 8 || bits > 1e12m)
        {
            throw Bad(parameterName, text, "a whole number of bits per second from 8bit to 1000gbit");
        }
        return (long)bits;
    }

    public static string FormatTime(long microseconds) =>
        microseconds % 1_000_000 == 0 ? $"{microseconds / 1_000_000}s"
        : microseconds % 1000 == 0 ? $"{microseconds / 1000}ms"
        : $"{microseconds}us";

    public static string FormatPercent(double percent) => percent.ToString("0.######", CultureInfo.InvariantCulture) + "%";

    public static string FormatRate(long bits) =>
        bits % 1_000_000_000 == 0 ? $"{bits / 1_000_000_000}gbit"
        : bits % 1_000_000 == 0 ? $"{bits / 1_000_000}mbit"
        : bits % 1000 == 0 ? $"{bits / 1000}kbit"
        : $"{bits}bit";

    /// <summary>Settings from the cmdlet's parameters (null: not given), checked together: jitter needs a delay, and something must be set.</summary>
    public static NetemSettings FromParameters(string? delay, string? jitter, string? loss, string? duplicate, string? rate)
    {
        var settings = new NetemSettings(
            delay is null ? null : ParseTime(delay, "Delay"),
            jitter is null ? null : ParseTime(jitter, "Jitter"),
            loss is null ? null : ParsePercent(loss, "Loss"),
            duplicate is null ? null : ParsePercent(duplicate, "Duplicate"),
            rate is null ? null : ParseRate(rate, "Rate"));
        if (settings.JitterMicroseconds is not null && settings.DelayMicroseconds is null)
        {
            throw new NetNsException($"Jitter '{jitter}' varies a delay; give -Delay too (for example -Delay 20ms -Jitter {jitter}).",
                "JitterWithoutDelay", ErrorCategory.InvalidArgument, jitter);
        }
        if (settings.IsEmpty)
        {
            throw new NetNsException("Give at least one of -Delay, -Loss, -Duplicate or -Rate; to take shaping off a link, use Remove-NsLinkShaping.",
                "NoShapingGiven", ErrorCategory.InvalidArgument, null);
        }
        return settings;
    }

    private static NetNsException Bad(string parameterName, string? text, string expected) => new(
        $"{parameterName} '{Names.Show(text)}' is not valid: give {expected}.",
        "InvalidShapingValue", ErrorCategory.InvalidArgument, text);
}
