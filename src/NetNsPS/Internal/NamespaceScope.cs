using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Linux;

namespace NetNsPS.Internal;

/// <summary>Expands a -Namespace filter of Get-* cmdlets: none means the host, patterns match named namespaces.</summary>
internal static class NamespaceScope
{
    /// <summary>The namespaces to read (null stands for the host); a plain name that does not exist is reported.</summary>
    public static IEnumerable<string?> Expand(string[]? patterns, System.Action<ErrorRecord> writeError)
    {
        if (patterns is null || patterns.Length == 0)
        {
            yield return null;
            yield break;
        }
        var names = NetState.NamespaceNames();
        foreach (var pattern in patterns)
        {
            if (string.IsNullOrEmpty(pattern))
            {
                yield return null;
                continue;
            }
            WildcardPattern? wildcard;
            try
            {
                wildcard = Patterns.Namespace(pattern, "Namespace");
            }
            catch (NetNsException e)
            {
                writeError(e.ToErrorRecord());
                continue;
            }
            if (wildcard is null)
            {
                if (names.Contains(pattern))
                {
                    yield return pattern;
                }
                else
                {
                    writeError(Errors.NamespaceNotFound(pattern).ToErrorRecord());
                }
                continue;
            }
            foreach (var name in names.Where(n => wildcard.IsMatch(n)))
            {
                yield return name;
            }
        }
    }
}
