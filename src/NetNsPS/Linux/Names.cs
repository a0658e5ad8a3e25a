using System.Management.Automation;
using System.Text.RegularExpressions;

namespace NetNsPS.Linux;

/// <summary>Checks names before anything reaches the kernel, with messages that say what is allowed.</summary>
public static class Names
{
    // The kernel allows more, but these keep names safe to paste into a shell and to read in a table.
    // \z, not $: in .NET '$' also matches before a final newline, which let "red\n" through to `ip netns add`.
    private static readonly Regex InterfacePattern = new(@"^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,14}\z", RegexOptions.CultureInvariant);
    private static readonly Regex NamespacePattern = new(@"^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,63}\z", RegexOptions.CultureInvariant);

    public const int MaxInterfaceName = 15;
    public const int MaxNamespaceName = 64;

    public static string Interface(string? name, string parameterName = "InterfaceName")
    {
        if (name is "all" or "default")
        {
            // net.ipv4.conf.all and .default are the kernel's own settings, not interfaces: the kernel refuses these
            // names with a bare "Invalid argument", and a sysctl written for them would change every interface.
            throw new NetNsException(
                $"{parameterName} '{name}' is not a valid interface name: 'all' and 'default' are reserved by the kernel (net.ipv4.conf.all, net.ipv4.conf.default); choose another name.",
                "InvalidInterfaceName", ErrorCategory.InvalidArgument, name);
        }
        if (name is not null && InterfacePattern.IsMatch(name))
        {
            return name;
        }
        throw new NetNsException(
            $"{parameterName} '{Show(name)}' is not a valid interface name: use 1 to {MaxInterfaceName} characters from A-Z a-z 0-9 _ . @ + -, starting with a letter, digit or _ (no '/', ':' or spaces).",
            "InvalidInterfaceName", ErrorCategory.InvalidArgument, name);
    }

    public static string Namespace(string? name, string parameterName = "Namespace")
    {
        if (name is not null && NamespacePattern.IsMatch(name))
        {
            return name;
        }
        throw new NetNsException(
            $"{parameterName} '{Show(name)}' is not a valid namespace name: use 1 to {MaxNamespaceName} characters from A-Z a-z 0-9 _ . @ + -, starting with a letter, digit or _ (not '.', '..' or anything with '/').",
            "InvalidNamespaceName", ErrorCategory.InvalidArgument, name);
    }

    /// <summary>Shows control characters visibly so an error never prints a raw newline or escape.</summary>
    public static string Show(string? value)
    {
        if (value is null)
        {
            return "<null>";
        }
        var text = Regex.Replace(value, @"\p{C}", m => $"\\u{(int)m.Value[0]:x4}");
        return text.Length > 80 ? text[..77] + "..." : text;
    }
}
