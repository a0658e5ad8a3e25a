using NetNsPS.Operations;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>Removes an IPv4 address (ip [-n NS] addr del CIDR dev IFACE). An address that is already gone is not an error.</summary>
[Cmdlet(VerbsCommon.Remove, "NsIPAddress", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class RemoveNsIPAddressCommand : NetNsCmdlet
{
    /// <summary>The address, alone or in CIDR form; takes Get-NsIPAddress output from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNsPS.Completion.IPAddressCompleter))]
    [AllowEmptyString]
    public string IPAddress { get; set; } = "";

    /// <summary>Only remove it from this interface.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNsPS.Completion.InterfaceCompleter))]
    public string? InterfaceName { get; set; }

    /// <summary>The namespace; without it, the host.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    public string? Namespace { get; set; }

    protected override bool ChangesState => true;

    protected override void Process()
    {
        var ns = string.IsNullOrEmpty(Namespace) ? null : Names.Namespace(Namespace, nameof(Namespace));
        var given = IpPrefix.Parse(IPAddress, nameof(IPAddress), IpPrefix.HostLength);
        var device = InterfaceName is null ? null : Names.Interface(InterfaceName, nameof(InterfaceName));
        if (ns is not null && !State.NamespaceExists(ns))
        {
            WriteVerbose($"Namespace '{ns}' does not exist, so neither does address {given.AddressText} in it.");
            return;
        }
        var plan = AddressPlanner.Remove(State, ns, device, given);
        if (plan.IsEmpty)
        {
            WriteVerbose($"Address {given.AddressText} is not on {(device is null ? "any interface" : device)} in {Errors.Where(ns)}; nothing to remove.");
            return;
        }
        Apply(plan);
    }
}
