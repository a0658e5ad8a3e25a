using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall.Nftables;
using System.Collections.Generic;
using System.Linq;

namespace NetNsPS.Commands;

/// <summary>
/// Creates a bridge on the host and brings it up (ip link add NAME type bridge; ip link set NAME up),
/// optionally giving it an address so the host can reach the namespaces (ip addr add CIDR dev NAME).
/// An existing bridge converges: it is brought up and given the address if it lacks them. Where the host's FORWARD
/// drops (Docker, ufw), the bridge's own traffic is accepted in the module's chain (see BridgePlanner.AcceptForward).
/// </summary>
[Cmdlet(VerbsCommon.New, "NetBridge", SupportsShouldProcess = true)]
[OutputType(typeof(NetBridge))]
public sealed class NewNetBridgeCommand : NetNsCmdlet
{
    /// <summary>The bridge's interface name (1 to 15 characters), such as bridge0.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Bridge")]
    [AllowEmptyString]
    public string Name { get; set; } = "";

    /// <summary>An IPv4 address with prefix for the bridge interface, such as 192.168.15.1/24.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? IPAddress { get; set; }

    /// <summary>
    /// Other tools' nftables chains whose drop would stop the bridge's traffic, as family, table and chain (such as
    /// 'inet hostfw forward'): the bridge's accepts (within it, out of it, the replies, published ports) go first in
    /// each, tagged; Remove-NetBridge and Clear-NetNsPS take them out. An accept in NetNsPS's own table cannot override
    /// another table's drop, and NetNsPS edits another table only where it is named here.
    /// </summary>
    [Parameter]
    public string[]? AcceptInChain { get; set; }

    protected override bool ChangesState => true;

    protected override void Process()
    {
        var name = Names.Interface(Name, nameof(Name));
        IpPrefix? address = IPAddress is null ? null : IpPrefix.Parse(IPAddress, nameof(IPAddress), null);
        _acceptIn = (AcceptInChain ?? System.Array.Empty<string>()).Select(c => ForeignForwardAccepts.ChainRef.Parse(c, nameof(AcceptInChain))).Distinct().ToList();
        foreach (var chain in _acceptIn.Where(c => !ForeignForwardAccepts.Exists(Runner, c, CancellationToken)))
        {
            throw new NetNsException($"-{nameof(AcceptInChain)}: there is no chain {chain} (nft list chain {chain}).", "ChainNotFound", ErrorCategory.ObjectNotFound, chain.ToString());
        }
        // Scripts side by side may create the same bridge (or its address) at the same moment: converge on theirs.
        // The output is written after the lock is released: what comes next in the pipeline runs inside Emit.
        var applied = false;
        Converge.OnRace(State, () => applied = Ensure(name, address), IsWhatIf, CancellationToken);
        if (!applied)
        {
            WhatIfLedger.RecordLink(null, name);
            return;
        }
        Emit(ModelFactory.Bridge(State.Link(null, name)!, State.Links(null)));
    }

    /// <summary>Reads, plans and applies; false under -WhatIf.</summary>
    private bool Ensure(string name, IpPrefix? address) =>
        Apply(BridgePlanner.Ensure(State, Firewall, name, address, null, _acceptIn,
            _acceptIn.Count == 0 ? System.Array.Empty<ForeignForwardAccepts.Found>() : ForeignForwardAccepts.Find(Runner, name, CancellationToken)));

    private List<ForeignForwardAccepts.ChainRef> _acceptIn = new();
}
