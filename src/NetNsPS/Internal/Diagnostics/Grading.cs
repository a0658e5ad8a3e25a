using System;
using System.Collections.Generic;
using System.Linq;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Internal.Diagnostics;

/// <summary>Turns where probes end in the firewall into a status and an Observed text.</summary>
internal static class Grading
{
    /// <summary>
    /// Ok when the deciding rule (or policy) is good and no rule met on the way might decide otherwise; Warning when
    /// it is good but such an uncertain rule exists; Failed when the decision is bad (a rule that might let only
    /// part of the traffic through, such as one port, does not make the rest work).
    /// </summary>
    public static NsDiagnosticStatus Grade(Verdict v, Func<string, ChainRule?, bool> good)
    {
        if (!good(v.Target, v.Rule))
        {
            return NsDiagnosticStatus.Failed;
        }
        return v.Uncertain.Any(r => !good(r.Target, r)) ? NsDiagnosticStatus.Warning : NsDiagnosticStatus.Ok;
    }

    /// <summary>"accepted by RULE", plus the first uncertain rule that might decide otherwise.</summary>
    public static string Describe(Verdict v, Func<string, ChainRule?, bool> good, Func<string, string> verb)
    {
        var text = v.IsPolicy && !v.PolicyDecides ? $"no rule in {v.Scope} matches" : $"{verb(v.Target)} by {v.Where}";
        var decidedGood = good(v.Target, v.Rule);
        var other = v.Uncertain.FirstOrDefault(r => good(r.Target, r) != decidedGood);
        return other is null ? text : $"{text}; but maybe {verb(other.Target)} by {RuleWalker.Describe(other)}";
    }

    public static NsDiagnosticStatus Worst(params NsDiagnosticStatus[] statuses) => statuses.Length == 0 ? NsDiagnosticStatus.Ok : statuses.Max();

    public static NsDiagnosticStatus Worst(IEnumerable<NsDiagnosticStatus> statuses) => Worst(statuses.ToArray());

    /// <summary>The filter verbs: ACCEPT is accepted, DROP dropped, REJECT rejected.</summary>
    public static string FilterVerb(string target) => target switch
    {
        "ACCEPT" => "accepted",
        "DROP" => "dropped",
        "REJECT" => "rejected",
        _ => "sent to " + target,
    };

    public static bool Accepted(string target, ChainRule? _) => target == "ACCEPT";

    /// <summary>The nat verbs.</summary>
    public static string NatVerb(string target) => target switch
    {
        "DNAT" => "DNATed",
        "SNAT" => "SNATed",
        "MASQUERADE" => "masqueraded",
        "REDIRECT" => "redirected",
        "ACCEPT" => "left un-NATed",
        _ => "sent to " + target,
    };

    public static bool Masqueraded(string target, ChainRule? _) => target is "MASQUERADE" or "SNAT";

    public static bool Dropped(string target, ChainRule? _) => target is "DROP" or "REJECT";
}
