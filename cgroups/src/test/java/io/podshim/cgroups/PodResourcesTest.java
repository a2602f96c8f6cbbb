package io.podshim.cgroups;

import static io.podshim.cgroups.ContainerResources.Kind.APP;
import static io.podshim.cgroups.ContainerResources.Kind.INIT;
import static io.podshim.cgroups.ContainerResources.Kind.SIDECAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class PodResourcesTest {
    private static final long MI = 1L << 20;

    private static ContainerResources c(String name, ContainerResources.Kind kind, Long cpuReq, Long cpuLim, Long memReq, Long memLim) {
        return new ContainerResources(name, kind, cpuReq, cpuLim, memReq, memLim);
    }

    @Test
    void initContainersAreNotSummedButTheLargestCountsWhenItExceedsTheApps() {
        PodResources pod = PodResources.of(List.of(
                c("migrate", INIT, 2000L, null, 512 * MI, null),
                c("seed", INIT, 500L, null, 64 * MI, null),
                c("web", APP, 300L, null, 128 * MI, null),
                c("cache", APP, 200L, null, 128 * MI, null)));
        assertEquals(2000, pod.cpuRequestMilli(), "max(300+200, max(2000, 500))");
        assertEquals(512 * MI, pod.memoryRequestBytes());
        assertEquals(QosClass.BURSTABLE, pod.qos());
        assertNull(pod.cpuLimitMilli(), "no pod limit unless every container has one");
    }

    @Test
    void sidecarsStartedBeforeAnInitContainerAddToItAndKeepRunningBesideTheApps() {
        PodResources pod = PodResources.of(List.of(
                c("proxy", SIDECAR, 100L, null, null, null),
                c("migrate", INIT, 1000L, null, null, null),
                c("web", APP, 500L, null, null, null)));
        assertEquals(1100, pod.cpuRequestMilli(), "init 1000 + sidecar 100 beats apps 500 + sidecar 100");

        PodResources small = PodResources.of(List.of(
                c("proxy", SIDECAR, 100L, null, null, null),
                c("migrate", INIT, 200L, null, null, null),
                c("web", APP, 500L, null, null, null)));
        assertEquals(600, small.cpuRequestMilli(), "app 500 + sidecar 100");
    }

    @Test
    void equalRequestsAndLimitsEverywhereMakeAGuaranteedPodWithAPodLimit() {
        PodResources pod = PodResources.of(List.of(
                c("init", INIT, null, 500L, null, 64 * MI),
                c("web", APP, 250L, 250L, 128 * MI, 128 * MI),
                c("log", APP, null, 250L, null, 32 * MI)));
        assertEquals(QosClass.GUARANTEED, pod.qos(), "unset requests default to the limits");
        assertEquals(500L, pod.cpuLimitMilli(), "max(250+250, 500)");
        assertEquals(160 * MI, pod.memoryLimitBytes());
        assertEquals(new CgroupLimits(500, 500L, 160 * MI, 1024L), pod.limits(1024L));
    }

    @Test
    void noRequestsOrLimitsAnywhereIsBestEffort() {
        PodResources pod = PodResources.of(List.of(ContainerResources.none("a", APP), ContainerResources.none("b", INIT)));
        assertEquals(QosClass.BEST_EFFORT, pod.qos());
        assertEquals(0, pod.cpuRequestMilli());
        assertEquals(CgroupLimits.NONE, pod.limits(null));
    }

    @Test
    void oneContainerWithoutALimitMakesItBurstable() {
        PodResources pod = PodResources.of(List.of(
                c("web", APP, 250L, 250L, 128 * MI, 128 * MI),
                c("log", APP, 100L, null, null, null)));
        assertEquals(QosClass.BURSTABLE, pod.qos());
        assertNull(pod.memoryLimitBytes());
    }

    @Test
    void podLevelValuesTakePrecedenceAndAnUnsetRequestIsTheLimit() {
        PodResources containers = PodResources.of(List.of(c("web", APP, 300L, 500L, 64 * MI, 128 * MI)));
        PodResources pod = containers.withPodLevel(null, 1000L, null, 256 * MI);
        assertEquals(1000, pod.cpuRequestMilli());
        assertEquals(1000L, pod.cpuLimitMilli());
        assertEquals(256 * MI, pod.memoryRequestBytes());
        assertEquals(QosClass.GUARANTEED, pod.qos(), "requests default to limits, both set: Guaranteed");
        assertEquals(QosClass.BURSTABLE, containers.withPodLevel(null, null, 100 * MI, null).qos());
        assertEquals(containers, containers.withPodLevel(null, null, null, null));
    }

    @Test
    void aPodsPidsLimitIsBoundedByTheNodesAndEitherAloneHolds() {
        PodResources none = PodResources.of(List.of(c("web", APP, null, null, null, null)));
        assertEquals(64L, none.withPodLevel(null, null, null, null, 64L).limits(1024L).pidsLimit());
        assertEquals(1024L, none.withPodLevel(null, null, null, null, 4096L).limits(1024L).pidsLimit(), "never above the node's");
        assertEquals(64L, none.withPodLevel(null, null, null, null, 64L).limits(null).pidsLimit());
        assertEquals(1024L, none.limits(1024L).pidsLimit());
        assertNull(none.limits(null).pidsLimit());
    }
}
