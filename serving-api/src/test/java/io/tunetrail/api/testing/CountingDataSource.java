package io.tunetrail.api.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import javax.sql.DataSource;

/** The real data source, recording the SQL of every statement prepared through it, so a test can count queries. */
public final class CountingDataSource {
    private final List<String> statements = new CopyOnWriteArrayList<>();
    private final DataSource wrapped;

    public CountingDataSource(DataSource real) {
        this.wrapped = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    return result instanceof Connection c ? connection(c) : result;
                });
    }

    public DataSource dataSource() {
        return wrapped;
    }

    /** Statements prepared so far whose SQL matches. */
    public long count(Predicate<String> sql) {
        return statements.stream().filter(sql).count();
    }

    private Connection connection(Connection real) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().startsWith("prepare") && args != null && args[0] instanceof String sql) {
                        statements.add(sql);
                    }
                    return invoke(real, method, args);
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
