using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;

namespace NetNsPS.Commands;

/// <summary>Lists the IPv4 and IPv6 addresses of the host or of namespaces (ip [-n NS] addr show); IPv6 link-local ones only with -IncludeLinkLocal.</summary>
[Cmdlet(VerbsCommon.Get, "NsIPAddress")]
[OutputType(typeof(NsIPAddress))]
public sealed class GetNsIPAddressCommand : NetNsCmdlet
{
    /// <summary>Addresses to show (without prefix); wildcards allowed.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetNsPS.Completion.IPAddressCompleter))]
    public string? IPAddress { get; set; }

    /// <summary>Namespaces to look in (wildcards allowed, * for all); without it, the host. Takes names, NetNamespace objects (their Name) and VethPair objects from the pipeline.</summary>
    [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    public string[]? Namespace { get; set; }

    /// <summary>Only addresses of this interface.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetNsPS.Completion.InterfaceCompleter))]
    public string? InterfaceName { get; set; }

    /// <summary>Only addresses of this family: IPv4 or IPv6.</summary>
    [Parameter]
    [ValidateSet("IPv4", "IPv6")]
    public string? AddressFamily { get; set; }

    /// <summary>Also the IPv6 addresses the kernel gives interfaces by itself: link-local (fe80::/10) ones, and ::1 on lo.</summary>
    [Parameter]
    public SwitchParameter IncludeLinkLocal { get; set; }

    protected override void Process()
    {
        var addressFilter = Patterns.Wildcard(IPAddress ?? "*", nameof(IPAddress));
        var interfaceFilter = Patterns.Wildcard(InterfaceName ?? "*", nameof(InterfaceName));
        foreach (var ns in NamespaceScope.Expand(Namespace, WriteError))
        {
            foreach (var link in State.Links(ns).Where(l => interfaceFilter.IsMatch(l.Name)))
            {
                foreach (var address in (IncludeLinkLocal ? link.Addresses : link.GlobalAddresses).Where(a => addressFilter.IsMatch(a.Address.ToString())
                    && (AddressFamily is null || string.Equals(Linux.IpPrefix.FamilyName(a.Family), AddressFamily, System.StringComparison.OrdinalIgnoreCase))))
                {
                    Emit(ModelFactory.Address(ns, link.Name, address));
                }
            }
        }
    }
}
