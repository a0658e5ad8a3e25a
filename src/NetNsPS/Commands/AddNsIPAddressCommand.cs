using NetNsPS.Operations;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Adds an IPv4 or IPv6 address to an interface in a namespace, or on the host without -Namespace
/// (ip [-n NS] addr add CIDR dev IFACE). The kernel then adds the subnet's scope-link route.
/// An IPv6 address is added without duplicate address detection (`nodad`), so the next command can use it at once;
/// -DuplicateAddressDetection asks for it and waits until the kernel has checked.
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

    /// <summary>The prefix length when IPAddress has none; without either, 32 for IPv4 and 128 for IPv6 (as `ip addr add` does).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, 128)]
    public byte? PrefixLength { get; set; }

    /// <summary>
    /// IPv6 only: let the kernel run duplicate address detection, and wait (up to DadTimeoutSeconds) until it has:
    /// an address another host already has on the link is then removed again and reported (DuplicateAddress).
    /// Without it an IPv6 address is added with `nodad`, usable at once, as Docker and netavark add theirs.
    /// </summary>
    [Parameter]
    public SwitchParameter DuplicateAddressDetection { get; set; }

    /// <summary>How long -DuplicateAddressDetection waits for the kernel's verdict.</summary>
    [Parameter]
    [ValidateRange(1, 60)]
    public int DadTimeoutSeconds { get; set; } = 5;

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
            applied = Apply(AddressPlanner.Add(State, ns, device, address, deviceIsPlanned: planned, detectDuplicates: DuplicateAddressDetection));
        }, IsWhatIf, CancellationToken);
        if (!applied)
        {
            return;
        }
        if (DuplicateAddressDetection && !address.IsIpv4)
        {
            WaitForDad(ns, device, address);
        }
        Emit(ModelFactory.Address(ns, device, new AddressRecord(address.Family, address.Address, address.PrefixLength, "global")));
    }

    /// <summary>Waits until duplicate address detection has finished; a duplicate is removed again and reported.</summary>
    private void WaitForDad(string? ns, string device, IpPrefix address)
    {
        var deadline = System.DateTime.UtcNow.AddSeconds(DadTimeoutSeconds);
        while (true)
        {
            State.Invalidate(ns);
            var record = State.Link(ns, device)?.Addresses.FirstOrDefault(a => a.Address.Equals(address.Address));
            if (record is null || !record.Tentative && !record.DadFailed)
            {
                return;
            }
            if (record.DadFailed)
            {
                Run(AddressPlanner.Remove(State, ns, device, address), _ => true);
                throw new NetNsException(
                    $"Duplicate address detection found {address.AddressText} already in use on the link of '{device}' in {Errors.Where(ns)}; it was removed again. Pick another address.",
                    "DuplicateAddress", ErrorCategory.ResourceExists, address.ToString());
            }
            if (System.DateTime.UtcNow >= deadline)
            {
                throw new NetNsException(
                    $"Duplicate address detection of {address.AddressText} on '{device}' in {Errors.Where(ns)} had not finished after {DadTimeoutSeconds} s (is the link down?); the address stays, tentative.",
                    "DadTimeout", ErrorCategory.OperationTimeout, address.ToString());
            }
            CancellationToken.WaitHandle.WaitOne(50);
        }
    }
}
