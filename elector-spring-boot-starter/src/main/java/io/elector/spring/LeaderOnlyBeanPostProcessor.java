package io.elector.spring;

import io.elector.api.InvalidSettingException;
import io.elector.api.Names;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Proxies beans that have {@link LeaderOnly} methods (or the annotation on their class), the way
 * Spring proxies {@code @Async} beans, and records the election names so that they are joined when
 * the context starts. A bad election name fails the bean's creation with a message naming the
 * method.
 */
public class LeaderOnlyBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {
    private static final long serialVersionUID = 1L;

    private final Set<String> names = Collections.synchronizedSet(new TreeSet<>());

    /**
     * @param elections the elections bean, looked up at the first call
     * @param defaultPolicy the value of {@code elector.leader-only.when-not-leader}
     */
    public LeaderOnlyBeanPostProcessor(Supplier<Elections> elections, Supplier<NotLeaderPolicy> defaultPolicy) {
        ComposablePointcut pointcut = new ComposablePointcut(new AnnotationMatchingPointcut(LeaderOnly.class, true))
                .union(new AnnotationMatchingPointcut(null, LeaderOnly.class, true));
        this.advisor = new DefaultPointcutAdvisor(pointcut, new LeaderOnlyInterceptor(elections, defaultPolicy));
        // Run before other advice (transactions, retries) so those run only on the leader.
        setBeforeExistingAdvisors(true);
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> type = ClassUtils.getUserClass(bean);
        if (isEligible(bean, beanName)) {
            ReflectionUtils.doWithMethods(type, m -> record(m, beanName));
        }
        return super.postProcessAfterInitialization(bean, beanName);
    }

    private void record(Method m, String beanName) {
        LeaderOnly a = LeaderOnlyInterceptor.annotation(m);
        if (a == null || m.getDeclaringClass() == Object.class) {
            return;
        }
        try {
            names.add(Names.election(a.value()));
            LeaderOnlyInterceptor.CallPlan.of(m);
        } catch (InvalidSettingException | IllegalStateException e) {
            throw new BeanCreationException(beanName, "@LeaderOnly on " + type(m) + ": " + e.getMessage(), e);
        }
    }

    private static String type(Method m) {
        return m.getDeclaringClass().getName() + "." + m.getName();
    }

    /** The election names of every {@link LeaderOnly} method seen so far. */
    public Set<String> electionNames() {
        synchronized (names) {
            return Set.copyOf(names);
        }
    }
}
