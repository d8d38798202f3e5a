package io.elector.spring;

import io.elector.api.Leadership;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Runs a {@link LeaderOnly} method only while this instance leads its election; see the annotation
 * for what is promised. The leadership is checked after the call is registered for interruption,
 * so a loss between check and start still interrupts the call.
 */
final class LeaderOnlyInterceptor implements MethodInterceptor {
    private final Supplier<Elections> elections;
    private final Supplier<NotLeaderPolicy> defaultPolicy;
    private final Map<Method, CallPlan> plans = new ConcurrentHashMap<>();

    LeaderOnlyInterceptor(Supplier<Elections> elections, Supplier<NotLeaderPolicy> defaultPolicy) {
        this.elections = elections;
        this.defaultPolicy = defaultPolicy;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Class<?> targetClass = invocation.getThis() == null ? null : AopUtils.getTargetClass(invocation.getThis());
        Method method = invocation.getMethod();
        CallPlan plan = plans.computeIfAbsent(method, m -> CallPlan.of(AopUtils.getMostSpecificMethod(m, targetClass)));
        Elections all = elections.get();
        LeaderCalls calls = all.calls(plan.election());
        if (calls == null) {
            return notLeader(plan, method);
        }
        Optional<Leadership> current = all.leadership(plan.election());
        if (current.isEmpty()) {
            return notLeader(plan, method);
        }
        Leadership leadership = current.get();
        LeaderCalls.Call call = calls.enter(leadership);
        Leadership previous = CurrentLeadership.enter(leadership);
        try {
            if (!leadership.isValid()) {
                return notLeader(plan, method);
            }
            plan.fill(invocation.getArguments(), leadership);
            return invocation.proceed();
        } finally {
            CurrentLeadership.restore(previous);
            calls.exit(call);
        }
    }

    private Object notLeader(CallPlan plan, Method method) {
        NotLeaderPolicy p = plan.policy() == NotLeaderPolicy.DEFAULT ? defaultPolicy.get() : plan.policy();
        if (p == NotLeaderPolicy.THROW) {
            throw new NotLeaderException(
                    plan.election(), method.getDeclaringClass().getSimpleName() + "." + method.getName());
        }
        return skipped(method.getReturnType());
    }

    static Object skipped(Class<?> type) {
        if (type == Optional.class) {
            return Optional.empty();
        }
        if (!type.isPrimitive() || type == void.class) {
            return null;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == char.class) {
            return '\0';
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == double.class) {
            return 0d;
        }
        if (type == float.class) {
            return 0f;
        }
        if (type == byte.class) {
            return (byte) 0;
        }
        if (type == short.class) {
            return (short) 0;
        }
        return 0;
    }

    /** The annotation of a method (or of its class). */
    static LeaderOnly annotation(Method method) {
        LeaderOnly a = AnnotatedElementUtils.findMergedAnnotation(method, LeaderOnly.class);
        return a != null ? a : AnnotatedElementUtils.findMergedAnnotation(method.getDeclaringClass(), LeaderOnly.class);
    }

    /** What one method needs: its election, policy and which arguments to fill. */
    record CallPlan(String election, NotLeaderPolicy policy, int leadershipArg, int tokenArg) {
        static CallPlan of(Method m) {
            LeaderOnly a = annotation(m);
            if (a == null) {
                throw new IllegalStateException("no @LeaderOnly on " + m);
            }
            int leadershipArg = -1;
            int tokenArg = -1;
            Class<?>[] types = m.getParameterTypes();
            for (int i = 0; i < types.length; i++) {
                if (types[i] == Leadership.class) {
                    leadershipArg = i;
                } else if (m.getParameters()[i].isAnnotationPresent(FencingToken.class)) {
                    if (types[i] != long.class && types[i] != Long.class) {
                        throw new IllegalStateException("@FencingToken parameter must be a long: " + m);
                    }
                    tokenArg = i;
                }
            }
            return new CallPlan(a.value(), a.whenNotLeader(), leadershipArg, tokenArg);
        }

        void fill(Object[] args, Leadership l) {
            if (leadershipArg >= 0) {
                args[leadershipArg] = l;
            }
            if (tokenArg >= 0) {
                args[tokenArg] = l.fencingToken();
            }
        }
    }
}
