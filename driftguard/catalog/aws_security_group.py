from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, CfnFold, Collect, Fold, ResourceSpec, TfAlias

RULE_ARGS = ("protocol", "from_port", "to_port", "cidr_blocks", "ipv6_cidr_blocks")
VPC_RULE_ARGS = ("ip_protocol", "from_port", "to_port", "cidr_ipv4", "cidr_ipv6")
RULES_DOC = "rules {protocol, from_port, to_port, cidrs}"

SPEC = ResourceSpec(
    tf_type="aws_security_group",
    cfn_type="AWS::EC2::SecurityGroup",
    doc=("A VPC security group, with its inline and standalone rules folded in. A rule's "
         "protocol is tcp, udp, icmp, icmpv6, or -1 for all (ports 0 to 65535 then); its "
         "cidrs hold IPv4 and IPv6 ranges together; rules of the same protocol and ports "
         "are merged into one, as AWS keeps them."),
    # A VPC's default group, which Terraform adopts (with the rules its code gives).
    tf_aliases=(TfAlias("aws_default_security_group", defaults=(("name", "default"),)),),
    attrs=(
        Attr("name", "str", "group name", tf=("name",), live=("GroupName",),
             cfn=("GroupName",), show=True),
        Attr("vpc_id", "str", "VPC id", tf=("vpc_id",), live=("VpcId",), cfn=("VpcId",),
             show=True),
        Attr("description", "str", "description", tf=("description",),
             live=("Description",), cfn=("GroupDescription",)),
        Attr("ingress", "list[rule]", f"ingress {RULES_DOC}", tf=("ingress",),
             convert=c.inline_rules, live=("IpPermissions",), live_convert=c.live_rules,
             cfn=("SecurityGroupIngress",), cfn_convert=c.cfn_rules, show=True),
        Attr("egress", "list[rule]", f"egress {RULES_DOC}", tf=("egress",),
             convert=c.inline_rules, live=("IpPermissionsEgress",),
             live_convert=c.live_rules, cfn=("SecurityGroupEgress",), cfn_convert=c.cfn_egress,
             show=True),
        c.tags(live="Tags"),
    ),
    folds=(
        Fold("aws_security_group_rule", parent_ref="security_group_id", extend=True, attrs=(
            Attr("ingress", "list[rule]", "", tf=RULE_ARGS, convert=c.standalone_rule,
                 when=("type", "ingress")),
            Attr("egress", "list[rule]", "", tf=RULE_ARGS, convert=c.standalone_rule,
                 when=("type", "egress")),
        )),
        Fold("aws_vpc_security_group_ingress_rule", parent_ref="security_group_id",
             extend=True, attrs=(
                 Attr("ingress", "list[rule]", "", tf=VPC_RULE_ARGS, convert=c.vpc_rule),
             )),
        Fold("aws_vpc_security_group_egress_rule", parent_ref="security_group_id",
             extend=True, attrs=(
                 Attr("egress", "list[rule]", "", tf=VPC_RULE_ARGS, convert=c.vpc_rule),
             )),
    ),
    cfn_folds=(
        CfnFold("AWS::EC2::SecurityGroupIngress", parent_ref="GroupId", extend=True, attrs=(
            Attr("ingress", "list[rule]", "", cfn=c.CFN_RULE_FIELDS, cfn_convert=c.vpc_rule),
        )),
        CfnFold("AWS::EC2::SecurityGroupEgress", parent_ref="GroupId", extend=True, attrs=(
            Attr("egress", "list[rule]", "", cfn=c.CFN_RULE_FIELDS, cfn_convert=c.vpc_rule),
        )),
    ),
    cfn_physical_id=("GroupId",),
    collect=Collect(service="ec2", operation="describe_security_groups",
                    items="SecurityGroups", id_field="GroupId", arn_field="SecurityGroupArn",
                    args=(("MaxResults", 1000),)),
    aws_default=lambda a: a.get("name") == "default",
)
