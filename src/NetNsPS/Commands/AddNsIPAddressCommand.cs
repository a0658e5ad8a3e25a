using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Adds an IPv4 address to an interface in a namespace, or on the host without -Namespace
/// (ip [-n NS] addr add CIDR dev IFACE). The kernel then adds the subnet's scope-link route.
/// An address that is already there converges; one on another interface is an error.
/// </summary>
[Cmdlet(VerbsCommon.Add, "NsIPAddress", SupportsShouldProcess = true, DefaultParameterSetName = ByPropertySet)]
[OutputType(typeof(NsIPAddress))]
public sealed class AddNsIPAddressCommand : NetNsCmdlet
{
    /// <summary>The address, alone or in CIDR form (192.168.15.2/24); takes address strings from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string IPAddress { get; set; } = "";

    /// <summary>The prefix length when IPAddress has none; without either, 32 (as `ip addr add` does).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, 32)]
    public byte? PrefixLength { get; set; }

    private const string ByPropertySet = "ByProperty";
    private const string NetNamespaceSet = "NetNamespace";

    /// <summary>
    /// The interface; default: the namespace's only interface besides lo. Binds Name from VethPair and NetBridge
    /// objects; a NetNamespace from the pipeline binds -InputObject instead, so its Name is never taken for an interface.
    /// </summary>
    [Parameter(ParameterSetName = ByPropertySet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = NetNamespaceSet)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.InterfaceCompleter))]
    public string? InterfaceName { get; set; }

    /// <summary>The namespace; without it, the host.</summary>
    [Parameter(ParameterSetName = ByPropertySet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>A namespace from Get-NetNamespace or New-NetNamespace: the address goes into it, as with -Namespace.</summary>
    [Parameter(Mandatory = true, ParameterSetName = NetNamespaceSet, ValueFromPipeline = true)]
    public NetNamespace? InputObject
    {
        get => _inputObject;
        set
        {
            _inputObject = value;
            Namespace = value?.Name;
        }
    }

    private NetNamespace? _inputObject;

    protected override bool ChangesState => true;

    protected override void Process()
    {
        var ns = string.IsNullOrEmpty(Namespace) ? null : Names.Namespace(Namespace, nameof(Namespace));
        var address = IpPrefix.Parse(IPAddress, nameof(IPAddress), PrefixLength ?? IpPrefix.HostLength);
        if (PrefixLength is { } p && IPAddress.Contains('/') && p != address.PrefixLength)
        {
            throw new NetNsException($"IPAddress '{IPAddress}' and -PrefixLength {p} disagree; give the prefix once.",
                "PrefixLengthConflict", ErrorCategory.InvalidArgument, IPAddress);
        }
        if (ns is not null)
        {
            RequireNamespace(ns);
        }
        var planned = ns is not null && !State.NamespaceExists(ns);
        string device;
        if (planned || (InterfaceName is not null && IsWhatIf && State.Link(ns, InterfaceName) is null && WhatIfLedger.HasLink(ns, InterfaceName)))
        {
            // Previewing a script under -WhatIf: the interface is one an earlier -WhatIf announced.
            device = Names.Interface(InterfaceName ?? (ns is null ? null : $"veth-{ns}"), nameof(InterfaceName));
        }
        else
        {
            device = InterfaceChooser.Resolve(State, ns, InterfaceName);
        }
        // Scripts side by side may add the same address at the same moment: converge on theirs.
        var applied = false;
        Converge.OnRace(State, () =>
        {
            applied = Apply(AddressPlanner.Add(State, ns, device, address, deviceIsPlanned: planned));
        }, IsWhatIf, CancellationToken);
        if (!applied)
        {
            return;
        }
        Emit(new NsIPAddress { Namespace = ns, InterfaceName = device, IPAddress = address.AddressText, PrefixLength = address.PrefixLength });
    }
}
