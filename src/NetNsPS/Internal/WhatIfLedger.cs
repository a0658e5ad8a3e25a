using System;
using System.Collections.Generic;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace NetNsPS.Internal;

/// <summary>
/// Remembers what -WhatIf runs would have created in this runspace, so a whole setup script can be
/// previewed with -WhatIf: Add-VethPair -WhatIf accepts the namespace New-NetNamespace -WhatIf announced.
/// </summary>
internal static class WhatIfLedger
{
    private static readonly ConditionalWeakTable<Runspace, HashSet<string>> Ledgers = new();
    private static readonly object Gate = new();

    public static void RecordNamespace(string name) => Record("ns:" + name);
    public static void RecordLink(string? ns, string name) => Record($"link:{ns}:{name}");
    public static bool HasNamespace(string name) => Has("ns:" + name);
    public static bool HasLink(string? ns, string name) => Has($"link:{ns}:{name}");

    private static void Record(string key)
    {
        var runspace = Runspace.DefaultRunspace;
        if (runspace is null)
        {
            return;
        }
        lock (Gate)
        {
            Ledgers.GetOrCreateValue(runspace).Add(key);
        }
    }

    private static bool Has(string key)
    {
        var runspace = Runspace.DefaultRunspace;
        if (runspace is null)
        {
            return false;
        }
        lock (Gate)
        {
            return Ledgers.TryGetValue(runspace, out var set) && set.Contains(key);
        }
    }
}
