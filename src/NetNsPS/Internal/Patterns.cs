using System.Management.Automation;
using NetNsPS.Linux;

namespace NetNsPS.Internal;

/// <summary>Name filters of the Get-* cmdlets: a wildcard pattern is checked before use, a plain name like any other name.</summary>
internal static class Patterns
{
    /// <summary>A well-formed wildcard pattern; a malformed one ("red[") is a user error, not a .NET exception at match time.</summary>
    public static WildcardPattern Wildcard(string pattern, string parameterName, WildcardOptions options = WildcardOptions.None)
    {
        var wildcard = new WildcardPattern(pattern, options);
        try
        {
            // WildcardPattern parses lazily: make it parse now, before anything is read.
            wildcard.IsMatch(string.Empty);
        }
        catch (WildcardPatternException)
        {
            throw new NetNsException(
                $"{parameterName} '{Names.Show(pattern)}' is not a valid wildcard pattern: use * and ? as wildcards and [a-z] for a range, with every '[' closed by ']'.",
                "InvalidWildcardPattern", ErrorCategory.InvalidArgument, pattern);
        }
        return wildcard;
    }

    /// <summary>A -Namespace filter: a checked wildcard pattern, or null for a plain name, which must be a valid namespace name.</summary>
    public static WildcardPattern? Namespace(string pattern, string parameterName)
    {
        if (WildcardPattern.ContainsWildcardCharacters(pattern))
        {
            return Wildcard(pattern, parameterName, WildcardOptions.IgnoreCase);
        }
        Names.Namespace(pattern, parameterName);
        return null;
    }

    /// <summary>An interface filter: a checked wildcard pattern, or null for a plain name, which must be a valid interface name.</summary>
    public static WildcardPattern? Interface(string pattern, string parameterName)
    {
        if (WildcardPattern.ContainsWildcardCharacters(pattern))
        {
            return Wildcard(pattern, parameterName, WildcardOptions.IgnoreCase);
        }
        Names.Interface(pattern, parameterName);
        return null;
    }
}
